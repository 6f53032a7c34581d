//! The built-in experiments and `kizuna brief` end to end: every file of
//! `scenarios/experiments/` loads (by path and by name) and is listed; `scripts/experiments/
//! remeasure.sh` names every experiment; one experiment runs as a comparison of 2 replications; the brief
//! of a run, a comparison and a sweep has every section, the question of the scenario header,
//! the arms' diff, and no image without data.

#[path = "cli_support.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use support::*;

fn experiment_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(repo_root().join("scenarios/experiments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().to_string()
}

#[test]
fn every_experiment_file_is_built_in_listed_and_loads_by_path_and_by_name() {
    let files = experiment_files();
    assert!(files.len() >= 13, "{files:?}");
    let built_in: Vec<&str> = kizuna::scenario::builtin::EXPERIMENTS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let list = kizuna(["list"]);
    list.expect_code(0).expect_no_panic();
    for f in &files {
        let name = stem(f);
        assert!(
            built_in.contains(&format!("{name}.toml").as_str()),
            "{name} is not in builtin::EXPERIMENTS"
        );
        assert!(
            list.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&name)),
            "{name} missing from `kizuna list`:\n{}",
            list.stdout
        );
        // Every experiment states its question (or names the arm that does) and where its
        // result is (the mitigation × shock arms: in docs/MODEL_NOTES.md).
        let text = fs::read_to_string(f).unwrap();
        let header = kizuna::scenario::builtin::header(&text);
        let result_doc = if name.starts_with("mitigation_shocks") {
            "docs/MODEL_NOTES.md"
        } else {
            "docs/EXPERIMENTS.md"
        };
        assert!(
            header.contains('?') || header.to_lowercase().contains("question"),
            "{name}: header has no question"
        );
        assert!(
            header.contains(result_doc),
            "{name}: header does not point to {result_doc}"
        );
    }
    let mut by_path: Vec<std::ffi::OsString> = vec!["check".into()];
    by_path.extend(files.iter().map(|f| f.clone().into_os_string()));
    kizuna(&by_path).expect_code(0).expect_no_panic();
    // By name from another directory: the built-in copies resolve their `extends` among the
    // built-ins.
    let tmp = tempfile::tempdir().unwrap();
    let mut by_name: Vec<String> = vec!["check".into()];
    by_name.extend(files.iter().map(|f| stem(f)));
    kizuna_in(Some(tmp.path()), &by_name)
        .expect_code(0)
        .expect_no_panic();
}

#[test]
fn remeasure_script_covers_every_comparison_arm_and_the_sobol_sweep() {
    let script = fs::read_to_string(repo_root().join("scripts/experiments/remeasure.sh")).unwrap();
    for f in experiment_files() {
        let name = stem(&f);
        if name.starts_with("mitigation_shocks") || name == "aid_cut_resilience" {
            continue; // quoted in MODEL_NOTES / the base of the Sobol sweep
        }
        assert!(
            script.contains(&format!("{name}.toml")),
            "remeasure.sh does not run {name}"
        );
    }
    assert!(script.contains("scenarios/sweeps/default_aid_cut_sobol.toml"));
    let docs = fs::read_to_string(repo_root().join("docs/EXPERIMENTS.md")).unwrap();
    for section in [
        "Dependence × shock",
        "Cooperation 1.0 vs 2.0",
        "China+1 vs diversified",
        "Talent regime vs yen shock",
        "Sobol analysis of the default scenario",
    ] {
        assert!(
            docs.contains(section),
            "docs/EXPERIMENTS.md has no {section}"
        );
    }
}

/// Sections and images of a brief: every section id is there and every <img> carries PNG data.
fn assert_brief_complete(html: &str) -> usize {
    for (id, _) in kizuna::brief::SECTIONS {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id} missing"
        );
    }
    let imgs: Vec<&str> = html.split("<img ").skip(1).collect();
    for img in &imgs {
        assert!(
            img.contains("src=\"data:image/png;base64,iVBOR"),
            "an <img> without embedded PNG data: {}",
            &img[..img.len().min(120)]
        );
    }
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    imgs.len()
}

fn brief(dir: &Path, extra: &[&str]) -> String {
    let mut args: Vec<std::ffi::OsString> = vec!["brief".into(), dir.as_os_str().into()];
    args.extend(extra.iter().map(|s| s.into()));
    kizuna(&args).expect_code(0).expect_no_panic();
    fs::read_to_string(dir.join("brief.html")).unwrap()
}

#[test]
fn dependence_experiment_runs_and_its_brief_shows_question_diff_effects_and_caveats() {
    let tmp = tempfile::tempdir().unwrap();
    // A small saltelli sweep first: its sobol.csv gives the comparison's caveats.
    let sweep_out = tmp.path().join("sobol");
    let sweep = repo_root().join("scenarios/sweeps/mitigation_sobol.toml");
    kizuna([
        "sweep".as_ref(),
        sweep.as_os_str(),
        "--set".as_ref(),
        "samples=4".as_ref(),
        "--set".as_ref(),
        "horizon.end=2000Q4".as_ref(),
        "--set".as_ref(),
        "shocks=[]".as_ref(),
        "--set".as_ref(),
        "events=[]".as_ref(),
        "--replications".as_ref(),
        "1".as_ref(),
        "-q".as_ref(),
        "--out".as_ref(),
        sweep_out.as_os_str(),
    ])
    .expect_code(0)
    .expect_no_panic();
    let html = brief(&sweep_out, &[]);
    let n = assert_brief_complete(&html);
    assert!(n > 0, "sweep brief has no plots");
    assert!(
        html.contains("Mitigation Sobol: which of the four"),
        "sweep question"
    );
    assert!(
        html.contains("programmes[joint_training].dose"),
        "swept parameters"
    );
    assert!(!html.contains("No sensitivity indices measured"));
    // A saltelli design's effects are its Sobol indices, not a table of its raw design points.
    let effects = &html[html.find("id=\"effects\"").expect("effects section")..];
    let effects = &effects[..effects.find("<section").unwrap_or(effects.len())];
    assert!(
        effects.contains("Sobol indices of every metric") && effects.contains("<th>s1_lo</th>"),
        "the sweep's effects are not its Sobol indices"
    );
    assert!(
        effects.contains("design points behind them are in <code>points.csv</code>"),
        "the effects do not point to the design points"
    );

    // The dependence experiment on its full horizon (shortening it would drop the later
    // historical shocks and events, which the arms share), 2 replications.
    let out = tmp.path().join("cmp");
    let e = repo_root().join("scenarios/experiments");
    kizuna([
        "compare".as_ref(),
        e.join("dependence_high_abrupt.toml").as_os_str(),
        e.join("dependence_high_gradual.toml").as_os_str(),
        "--replications".as_ref(),
        "2".as_ref(),
        "-q".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .expect_code(0)
    .expect_no_panic();
    let csv = fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(
        csv.contains("largest_donor_cut.oda_committed_usd_per_q.VNM-JPN.loss_area_quarters"),
        "the money check is compared"
    );
    for arm in ["dependence_high_abrupt", "dependence_high_gradual"] {
        assert!(out.join(format!("scenarios/{arm}.resolved.toml")).is_file());
    }
    let html = brief(&out, &["--sensitivity", sweep_out.to_str().unwrap()]);
    assert!(
        assert_brief_complete(&html) > 0,
        "comparison brief has no plots"
    );
    assert!(html.contains("Question: does a recipient that depends on one donor"));
    // The resolved-scenario diff names exactly the two keys the gradual arm changes.
    assert!(html.contains("2 key paths differ"), "diff count");
    assert!(html.contains("shocks[largest_donor_cut].ramp_quarters"));
    assert!(html.contains("shocks[largest_donor_cut].duration_quarters"));
    assert!(
        html.contains("class=\"sig\""),
        "no effect marked as excluding 0"
    );
    assert!(html.contains("kizuna compare</code> does not compute one"));
    assert!(
        html.contains("programmes[joint_training].dose"),
        "caveats from --sensitivity"
    );
}

#[test]
fn run_brief_has_the_question_summary_statistics_fit_and_says_no_sensitivity_measured() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    kizuna([
        "run".as_ref(),
        "aid_cut_abrupt".as_ref(),
        "--replications".as_ref(),
        "2".as_ref(),
        "--set".as_ref(),
        "horizon.end=2000Q4".as_ref(),
        "--set".as_ref(),
        "shocks=[]".as_ref(),
        "--set".as_ref(),
        "events=[]".as_ref(),
        "-q".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .expect_code(0)
    .expect_no_panic();
    let question = fs::read_to_string(out.join("question.txt")).unwrap();
    assert!(question.starts_with("Aid cut, abrupt: JICA's budget falls by half"));
    let html = brief(&out, &[]);
    assert!(assert_brief_complete(&html) > 0, "run brief has no plots");
    assert!(html.contains("One scenario, <code>aid_cut_abrupt</code>, no arms"));
    assert!(html.contains("ci95_lo") && html.contains("final.fdi_stock_usd.VNM-JPN"));
    assert!(html.contains("rmsle"), "fit_summary.csv table");
    assert!(html.contains("No sensitivity indices measured for this result"));
}
