//! `kizuna run --save-at QUARTER FILE` and `kizuna run SCENARIO --from FILE` end to end: a branch
//! of the unchanged scenario gives the same bytes as the uninterrupted run (on another thread
//! count, and after saving again from the branch), a branch that changes only later quarters gives the same bytes as its own direct run,
//! and a branch whose history differs is refused with what differs.

#[path = "cli_support.rs"]
mod support;

use std::fs;
use std::path::Path;
use support::*;

/// The default scenario shortened to 1992Q1–2004Q4, two replications, one scandal in 1998 (its
/// resilience window runs past the save point of 2000Q4).
const SCANDAL_1998: &str = r#"{id="scandal_1998", kind="scandal", target={pair="VNM-JPN"}, start="1998Q1", duration_quarters=2, intensity=1.0}"#;
const CRISIS_2002: &str = r#"{id="crisis_2002", kind="geopolitical_crisis", target={pair="VNM-JPN"}, start="2002Q1", duration_quarters=4, intensity=1.0}"#;

fn run_args(out: &Path, shocks: &[&str], extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "run",
        "--no-plots",
        "-q",
        "--replications",
        "2",
        "--set",
        "horizon.end=2004Q4",
        "--set",
        "events=[]",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push("--set".into());
    args.push(format!("shocks=[{}]", shocks.join(", ")));
    args.push("--out".into());
    args.push(out.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Every file of `a` except `skip` has the same bytes in `b`, and `b` has no other files
/// except `skip`.
fn assert_same_files(a: &Path, b: &Path, skip: &[&str]) {
    let keep = |dir: &Path| -> Vec<String> {
        entries(dir)
            .into_iter()
            .filter(|f| !skip.contains(&f.as_str()))
            .collect()
    };
    let files = keep(a);
    assert_eq!(
        files,
        keep(b),
        "file lists of {} and {}",
        a.display(),
        b.display()
    );
    assert!(files.contains(&"timeseries.csv".to_string()), "{files:?}");
    assert!(
        files.contains(&"resilience_paths.csv".to_string()),
        "{files:?}"
    );
    for f in files {
        assert!(
            fs::read(a.join(&f)).unwrap() == fs::read(b.join(&f)).unwrap(),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn branch_from_a_saved_world_gives_the_bytes_of_the_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("history.kzw");
    let world_arg = world.display().to_string();
    let (full, branch) = (dir.path().join("full"), dir.path().join("branch"));
    // More threads than replications: the saving run and the second branch take the parallel
    // counterfactual schedule, the others the inline one.
    kizuna(run_args(
        &full,
        &[SCANDAL_1998],
        &["--save-at", "2000Q4", &world_arg, "--threads", "4"],
    ))
    .expect_code(0);
    assert!(
        fs::read(&world)
            .unwrap()
            .starts_with(kizuna::worldfile::MAGIC)
    );
    kizuna(run_args(
        &branch,
        &[SCANDAL_1998],
        &["--from", &world_arg, "--threads", "1"],
    ))
    .expect_code(0);
    assert_same_files(&full, &branch, &["timing.json", "branch.json"]);
    // A branch saves a later point too, and a branch from that is still the uninterrupted run.
    let (later, twice) = (dir.path().join("later.kzw"), dir.path().join("twice"));
    let later_arg = later.display().to_string();
    kizuna(run_args(
        &dir.path().join("branch_saving"),
        &[SCANDAL_1998],
        &["--from", &world_arg, "--save-at", "2002Q4", &later_arg],
    ))
    .expect_code(0);
    kizuna(run_args(&twice, &[SCANDAL_1998], &["--from", &later_arg])).expect_code(0);
    assert_same_files(&full, &twice, &["timing.json", "branch.json"]);
    let provenance: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(branch.join("branch.json")).unwrap()).unwrap();
    assert_eq!(provenance["saved_after"], "2000Q4");
    assert_eq!(
        provenance["scenario_sha256"],
        manifest(&full)["scenario_sha256"]
    );

    // A policy branch: a crisis after the save point, continued from the common history, is
    // the same as running that scenario from the start.
    let (direct, branched) = (dir.path().join("direct"), dir.path().join("branched"));
    kizuna(run_args(&direct, &[SCANDAL_1998, CRISIS_2002], &[])).expect_code(0);
    kizuna(run_args(
        &branched,
        &[SCANDAL_1998, CRISIS_2002],
        &["--from", &world_arg, "--threads", "3"],
    ))
    .expect_code(0);
    assert_same_files(&direct, &branched, &["timing.json", "branch.json"]);
    let resilience = fs::read_to_string(branched.join("resilience.csv")).unwrap();
    assert!(resilience.contains("crisis_2002") && resilience.contains("scandal_1998"));
}

#[test]
fn branch_whose_history_differs_is_refused_with_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("history.kzw");
    let world_arg = world.display().to_string();
    kizuna(run_args(
        &dir.path().join("full"),
        &[SCANDAL_1998],
        &["--save-at", "2000Q4", &world_arg],
    ))
    .expect_code(0);
    let out = dir.path().join("refused");
    let refused = |shocks: &[&str], extra: &[&str], needles: &[&str]| {
        let mut args = vec!["--from", world_arg.as_str()];
        args.extend_from_slice(extra);
        let r = kizuna(run_args(&out, shocks, &args));
        r.expect_code(2).expect_no_panic();
        for needle in needles {
            r.expect_stderr(needle);
        }
        assert!(!out.exists(), "a refused branch writes nothing");
    };
    // A parameter and a shock before the save point.
    refused(
        &[&SCANDAL_1998.replace("intensity=1.0", "intensity=0.5")],
        &["--set", "parameters.trust.negativity_weight=2.5"],
        &[
            "parameters.trust.negativity_weight: 3.0 in the saved world, 2.5 here",
            "shock scandal_1998: intensity: 1.0 in the saved world, 0.5 here",
            "may change only what acts from 2001Q1 on",
        ],
    );
    // Entities: the number of firms of a population.
    refused(
        &[SCANDAL_1998],
        &["--set", "firms[0].count=10"],
        &["firm population 1", "count: "],
    );
    // A shock added before the save point, and a different horizon.
    let early = CRISIS_2002.replace("2002Q1", "1999Q1");
    refused(
        &[SCANDAL_1998, &early],
        &["--set", "horizon.end=2005Q4"],
        &[
            "shock crisis_2002: in this scenario, not in the saved world",
            "horizon: 1992Q1..2004Q4 in the saved world, 1992Q1..2005Q4 here",
        ],
    );
    // More replications than the file holds.
    let mut args = run_args(&out, &[SCANDAL_1998], &["--from", &world_arg]);
    let reps = args.iter().position(|a| a == "--replications").unwrap();
    args[reps + 1] = "3".into();
    kizuna(args)
        .expect_code(2)
        .expect_stderr("the file holds 2 replications (0–1), this run asks for 3");
    // Not a world file: refused to read, and never overwritten.
    let toml = dir.path().join("scenario.toml");
    fs::write(&toml, "name = \"x\"\n").unwrap();
    let toml_arg = toml.display().to_string();
    kizuna(run_args(&out, &[SCANDAL_1998], &["--from", &toml_arg]))
        .expect_code(2)
        .expect_stderr("not a kizuna world file");
    kizuna(run_args(
        &out,
        &[SCANDAL_1998],
        &["--save-at", "2000Q4", &toml_arg],
    ))
    .expect_code(2)
    .expect_stderr("exists and is not a kizuna world file; refusing to overwrite it");
    assert_eq!(fs::read_to_string(&toml).unwrap(), "name = \"x\"\n");
}
