//! `kizuna run` / `kizuna check` on malformed scenario files (tests/fixtures/bad/*.toml), bad
//! `--set` overrides and bad usage: exit code 2, a located message on stderr (file, line and
//! column, key path, what is allowed), no panic or backtrace, and no output directory left
//! behind (neither the target nor a `.NAME.partial-PID` staging sibling).

#[path = "cli_support.rs"]
mod support;

use support::*;

/// Runs `kizuna run FIXTURE --out <tmp>/out` and `kizuna check FIXTURE`; both must exit 2 with
/// every string of `expected` on stderr, where `{file}` stands for the fixture's path as given
/// on the command line. Returns the stderr of `run`.
fn assert_rejected(fixture_name: &str, expected: &[&str]) -> String {
    let path = fixture(&format!("bad/{fixture_name}"));
    assert!(path.exists(), "missing fixture {}", path.display());
    let file = path.display().to_string();
    let expected: Vec<String> = expected
        .iter()
        .map(|e| e.replace("{file}", &file))
        .collect();

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = kizuna([
        "run".as_ref(),
        path.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--replications".as_ref(),
        "1".as_ref(),
        "--no-plots".as_ref(),
    ]);
    run.expect_code(2).expect_no_panic();
    for e in &expected {
        run.expect_stderr(e);
    }
    assert!(
        run.stderr.starts_with("error: "),
        "stderr should start with 'error: ':\n{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert_no_output_left(tmp.path(), "out");
    assert!(
        entries(tmp.path()).is_empty(),
        "a rejected run wrote into {}: {:?}",
        tmp.path().display(),
        entries(tmp.path())
    );

    let check = kizuna(["check".as_ref(), path.as_os_str()]);
    check.expect_code(2).expect_no_panic();
    for e in &expected {
        check.expect_stderr(e);
    }
    run.stderr
}

/// Number of diagnostics printed (one per line; the first one follows `error: `).
fn diagnostic_lines(stderr: &str) -> usize {
    stderr.lines().filter(|l| !l.trim().is_empty()).count()
}

// ------------------------------------------------------------------ one mistake per file

#[test]
fn unknown_key_names_key_path_line_and_suggestion() {
    assert_rejected(
        "unknown_key.toml",
        &[
            "{file}:7:43: countries[0].culture.uia: unknown key 'uia'",
            "did you mean 'uai'?",
            "allowed keys: idv, ivr, lto, mas, pdi, uai",
        ],
    );
}

#[test]
fn wrong_type_names_expected_and_found_type() {
    assert_rejected(
        "wrong_type.toml",
        &["{file}:6:1: firms[1].count: wrong type: expected integer, found string \"many\""],
    );
}

#[test]
fn value_out_of_range_names_the_allowed_range() {
    assert_rejected(
        "out_of_range.toml",
        &[
            "{file}:6:13: countries[1].culture.pdi: value 140 is out of range; allowed: 0.0 to 120.0",
        ],
    );
}

#[test]
fn shock_after_the_horizon_names_the_horizon() {
    assert_rejected(
        "shock_after_horizon.toml",
        &["{file}:8:1: shocks[5].start: 2050Q1 is outside the horizon; allowed: 1992Q1 to 2040Q4"],
    );
}

#[test]
fn shock_on_unknown_country_lists_the_known_countries() {
    assert_rejected(
        "shock_unknown_country.toml",
        &[
            "{file}:7:12: shocks[5].target.country: unknown country 'THA'; allowed: VNM, JPN, MUL, OTH",
        ],
    );
}

#[test]
fn circular_extends_lists_the_chain() {
    let a = fixture("bad/circular_a.toml").display().to_string();
    let b = fixture("bad/circular_b.toml").display().to_string();
    let stderr = assert_rejected("circular_a.toml", &["{file}", "circular extends:"]);
    let chain = format!("{a} -> {b} -> {a}");
    assert!(stderr.contains(&chain), "chain {chain:?} not in:\n{stderr}");
    // Located at the `extends` key that closes the cycle (line 3 of circular_b.toml).
    assert!(
        stderr.contains(&format!("{b}:3:1: extends: circular extends")),
        "{stderr}"
    );
}

#[test]
fn empty_file_is_rejected_as_empty() {
    assert_rejected("empty.toml", &["{file}: empty scenario file"]);
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    assert_rejected("not_toml.toml", &["{file}:4:9: TOML syntax error"]);
}

#[test]
fn programme_on_unknown_pair_lists_the_known_pairs() {
    assert_rejected(
        "programme_unknown_pair.toml",
        &["{file}:7:1: programmes[2].pair: unknown pair 'VNM-KOR'; allowed: VNM-JPN"],
    );
}

#[test]
fn programme_phases_out_of_order_are_rejected() {
    assert_rejected(
        "programme_phases_out_of_order.toml",
        &[
            "{file}:7:1: programmes[1].implementation_start: 2022Q1 is before the programme starts (2023Q2)",
            "phases in order: start ≤ implementation_start ≤ sustainability_start < end",
        ],
    );
}

#[test]
fn event_after_the_horizon_is_located_at_its_date() {
    assert_rejected(
        "event_after_horizon.toml",
        &["{file}:12:1: events[1].at: 2045Q1 is outside the horizon; allowed: 1992Q1 to 2040Q4"],
    );
}

#[test]
fn event_after_the_horizon_is_rejected() {
    // The same file as above, without the exact location (see the ignored test).
    assert_rejected(
        "event_after_horizon.toml",
        &[
            "{file}:",
            "events[1].at: 2045Q1 is outside the horizon; allowed: 1992Q1 to 2040Q4",
        ],
    );
}

// ------------------------------------------------------------------ several mistakes per file

#[test]
fn several_reference_and_date_errors_are_reported_at_once() {
    let stderr = assert_rejected(
        "several_errors.toml",
        &[
            "{file}:6:12: shocks[3].target.country: unknown country 'XYZ'",
            "{file}:12:1: shocks[5].start: 2055Q3 is outside the horizon",
            "{file}:18:1: programmes[2].pair: unknown pair 'VNM-KOR'",
        ],
    );
    assert_eq!(
        diagnostic_lines(&stderr),
        3,
        "one line per error:\n{stderr}"
    );
}

#[test]
fn several_schema_errors_are_reported_at_once() {
    let stderr = assert_rejected(
        "several_schema_errors.toml",
        &[
            "{file}:6:53: countries[1].culture.lto: value 188 is out of range",
            "{file}:10:1: firms[0].count: wrong type: expected integer, found string \"many\"",
            "{file}:13:1: horizon.ende: unknown key 'ende'; did you mean 'end'?",
        ],
    );
    assert_eq!(
        diagnostic_lines(&stderr),
        3,
        "one line per error:\n{stderr}"
    );
}

#[test]
fn check_reports_the_bad_file_and_still_checks_the_good_one() {
    let bad = fixture("bad/out_of_range.toml");
    let good = repo_root().join("scenarios/vietnam_japan.toml");
    let r = kizuna(["check".as_ref(), bad.as_os_str(), good.as_os_str()]);
    r.expect_code(2)
        .expect_no_panic()
        .expect_stderr(&format!("{}:6:13: countries[1].culture.pdi", bad.display()));
    assert!(
        r.stdout.contains(&format!("{}: ok", good.display())),
        "the good file is summarised on stdout:\n{}",
        r.stdout
    );
    assert!(!r.stdout.contains("out_of_range.toml: ok"), "{}", r.stdout);
}

#[test]
fn missing_scenario_file_lists_the_builtins() {
    let tmp = tempfile::tempdir().unwrap();
    let r = kizuna_in(
        Some(tmp.path()),
        ["run", "no_such_scenario.toml", "--out", "out", "--no-plots"],
    );
    r.expect_code(2)
        .expect_no_panic()
        .expect_stderr("no_such_scenario.toml: no such scenario file")
        .expect_stderr("vietnam_japan");
    assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
}

// ------------------------------------------------------------------ --set

/// `kizuna run --set ASSIGNMENT ...` in a fresh temp dir must exit 2 without leaving output;
/// returns stderr.
fn assert_set_rejected(assignment: &str, expected: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let r = kizuna_in(
        Some(tmp.path()),
        [
            "run",
            "--set",
            assignment,
            "--out",
            "out",
            "--replications",
            "1",
            "--no-plots",
        ],
    );
    r.expect_code(2).expect_no_panic();
    for e in expected {
        r.expect_stderr(e);
    }
    assert!(
        entries(tmp.path()).is_empty(),
        "a rejected run wrote into its directory: {:?}",
        entries(tmp.path())
    );
    let c = kizuna(["check", "vietnam_japan", "--set", assignment]);
    c.expect_code(2).expect_no_panic();
    for e in expected {
        c.expect_stderr(e);
    }
    r.stderr
}

#[test]
fn set_unknown_top_level_key_is_rejected() {
    assert_set_rejected(
        "nope.key=1",
        &["nope: unknown key 'nope'", "allowed keys: countries,"],
    );
}

#[test]
fn set_unknown_key_is_blamed_on_the_command_line() {
    assert_set_rejected(
        "nope.key=1",
        &["<command line: --set nope.key=1>: nope: unknown key 'nope'"],
    );
}

#[test]
fn set_unknown_top_level_scalar_is_blamed_on_the_command_line() {
    assert_set_rejected(
        "nope=1",
        &["<command line: --set nope=1>: nope: unknown key 'nope'; did you mean 'name'?"],
    );
}

#[test]
fn set_unknown_element_code_lists_the_codes() {
    assert_set_rejected(
        "countries[XYZ].culture.pdi=3",
        &[
            "<command line: --set countries[XYZ].culture.pdi=3>: countries[XYZ]: no element with code or id 'XYZ'",
            "codes VNM, JPN, MUL, OTH",
        ],
    );
}

#[test]
fn set_out_of_range_value_is_located_on_the_command_line() {
    assert_set_rejected(
        "countries[VNM].culture.pdi=300",
        &[
            "<command line: --set countries[VNM].culture.pdi=300>: countries[0].culture.pdi: value 300 is out of range; allowed: 0.0 to 120.0",
        ],
    );
}

#[test]
fn set_wrong_type_is_located_on_the_command_line() {
    assert_set_rejected(
        "run.seed=abc",
        &["<command line: --set run.seed=abc>: run.seed: wrong type: expected integer"],
    );
}

#[test]
fn set_without_equals_sign_is_rejected() {
    assert_set_rejected(
        "noequals",
        &["'noequals' is not an assignment; expected key.path=value"],
    );
}

#[test]
fn set_horizon_end_before_the_builtin_shocks_reports_every_late_date() {
    // Shortening the default scenario alone is rejected: its shocks and events fall outside.
    let stderr = assert_set_rejected(
        "horizon.end=2000Q4",
        &[
            "shocks[0].start: 2008Q3 is outside the horizon; allowed: 1992Q1 to 2000Q4",
            "shocks[4].start: 2022Q2 is outside the horizon",
            "events[5].at: 2023Q4 is outside the horizon",
        ],
    );
    assert_eq!(
        diagnostic_lines(&stderr),
        5 + 6,
        "5 shocks + 6 events:\n{stderr}"
    );
}

#[test]
fn set_horizon_end_shortens_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("short");
    let mut args = vec!["run", "--replications", "1", "--no-plots", "-q", "--out"];
    let out_s = out.to_str().unwrap().to_string();
    args.push(&out_s);
    args.extend(SHORT);
    kizuna(&args).expect_code(0).expect_no_panic();
    let m = manifest(&out);
    assert_eq!(m["horizon"], "1992Q1..2000Q4");
    assert_eq!(m["shocks"], serde_json::json!([]));
    let rows = std::fs::read_to_string(out.join("timeseries.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(rows, 1 + 36, "header + 9 years of quarters");
    let resolved = std::fs::read_to_string(out.join("scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("end = \"2000Q4\""), "{resolved}");
}

// ------------------------------------------------------------------ bad usage

#[test]
fn unknown_subcommand_exits_2() {
    kizuna(["frobnicate"])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("unrecognized subcommand 'frobnicate'");
}

#[test]
fn zero_threads_exits_2_without_output() {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec![
        "run",
        "--threads",
        "0",
        "--replications",
        "1",
        "--no-plots",
        "--out",
        "out",
    ];
    args.extend(SHORT);
    kizuna_in(Some(tmp.path()), &args)
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("--threads must be at least 1");
    assert_no_output_left(tmp.path(), "out");
    assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
}

#[test]
fn zero_replications_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    kizuna_in(
        Some(tmp.path()),
        ["run", "--replications", "0", "--no-plots", "--out", "out"],
    )
    .expect_code(2)
    .expect_no_panic()
    .expect_stderr("run.replications: value 0 is out of range; allowed: 1 to 100000");
    assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
}

#[test]
fn check_without_a_file_and_bad_option_values_exit_2() {
    kizuna(["check"]).expect_code(2).expect_no_panic();
    kizuna(["run", "--seed", "-1"])
        .expect_code(2)
        .expect_no_panic();
    kizuna(["run", "--threads", "many"])
        .expect_code(2)
        .expect_no_panic();
    kizuna(["run", "--replications"])
        .expect_code(2)
        .expect_no_panic();
}

#[test]
fn help_and_version_exit_0() {
    let h = kizuna(["--help"]);
    h.expect_code(0);
    for sub in ["run", "check", "list", "plot", "fit", "reference"] {
        assert!(h.stdout.contains(sub), "--help lacks {sub}:\n{}", h.stdout);
    }
    let v = kizuna(["--version"]);
    v.expect_code(0);
    assert!(v.stdout.starts_with("kizuna "), "{}", v.stdout);
}

// ------------------------------------------------------------------ outputs: no data loss

/// `run` of the shortened default scenario (1 replication, no plots) in `cwd` with `extra`.
fn short_run(cwd: &std::path::Path, extra: &[&str]) -> Run {
    let mut args = vec!["-q", "run", "--replications", "1", "--no-plots"];
    args.extend(SHORT);
    args.extend(extra);
    kizuna_in(Some(cwd), &args)
}

#[test]
fn scenario_name_must_be_a_plain_file_name_and_nothing_is_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("keep.txt"), "mine").unwrap();
    let output = tmp.path().join("output");
    std::fs::create_dir(&output).unwrap();
    std::fs::write(output.join("other.txt"), "mine").unwrap();
    for name in [
        victim.display().to_string(),
        "../x".into(),
        "".into(),
        ".".into(),
    ] {
        let file = tmp.path().join("named.toml");
        std::fs::write(
            &file,
            format!(
                "extends = \"vietnam_japan.toml\"\nname = {}\n",
                toml::Value::from(name.clone())
            ),
        )
        .unwrap();
        let run = short_run(tmp.path(), &[file.to_str().unwrap()]);
        run.expect_code(2)
            .expect_no_panic()
            .expect_stderr(&format!("{}:2:1: name: ", file.display()))
            .expect_stderr("allowed: a plain file name");
    }
    short_run(tmp.path(), &["--set", "name="])
        .expect_code(2)
        .expect_stderr("<command line: --set name=>: name: empty name");
    assert!(victim.join("keep.txt").exists());
    assert_eq!(entries(&output), ["other.txt"]);
    assert_eq!(entries(tmp.path()), ["named.toml", "output", "victim"]);
}

#[test]
fn run_refuses_a_directory_kizuna_did_not_write_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "mine").unwrap();
    short_run(tmp.path(), &["--out", "out"])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("out: exists and holds files kizuna did not write")
        .expect_stderr("--force");
    assert_eq!(entries(&out), ["thesis.tex"]);
    assert_eq!(entries(tmp.path()), ["out"]);
    // An empty directory, or one kizuna wrote, is replaced without asking.
    std::fs::remove_file(out.join("thesis.tex")).unwrap();
    short_run(tmp.path(), &["--out", "out"]).expect_code(0);
    short_run(tmp.path(), &["--out", "out"]).expect_code(0);
    assert!(out.join("manifest.json").exists());
    std::fs::write(out.join("note.txt"), "added by hand to a kizuna output").unwrap();
    short_run(tmp.path(), &["--out", "out"]).expect_code(0);
    assert!(!out.join("note.txt").exists());
    // --force replaces a foreign directory.
    let foreign = tmp.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("a.txt"), "x").unwrap();
    short_run(tmp.path(), &["--out", "foreign", "--force"]).expect_code(0);
    assert!(foreign.join("manifest.json").exists() && !foreign.join("a.txt").exists());
    assert_eq!(entries(tmp.path()), ["foreign", "out"]);
}

#[test]
fn concurrent_runs_into_one_out_all_succeed_and_leftovers_do_not_block() {
    let tmp = tempfile::tempdir().unwrap();
    // Left by an interrupted swap of an older kizuna and by a dead process of this one.
    std::fs::create_dir(tmp.path().join(".out.old")).unwrap();
    std::fs::create_dir(tmp.path().join(".out.old-999999999-0")).unwrap();
    std::fs::create_dir(tmp.path().join(".out.partial-999999998")).unwrap();
    std::fs::write(
        tmp.path().join(".out.partial-999999998/timeseries.csv"),
        "x",
    )
    .unwrap();
    let mut args = vec![
        "-q".to_string(),
        "run".into(),
        "--replications".into(),
        "1".into(),
        "--no-plots".into(),
        "--threads".into(),
        "1".into(),
        "--out".into(),
        "out".into(),
    ];
    args.extend(SHORT.iter().map(|s| s.to_string()));
    let children: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(KIZUNA)
                .args(&args)
                .current_dir(tmp.path())
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "a concurrent run failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(tmp.path().join("out/manifest.json").exists());
    // The stale staging directories of dead processes are gone; the old-style .out.old (no
    // pid, not ours to judge) is left alone but no longer blocks anything.
    assert_eq!(entries(tmp.path()), [".out.old", "out"]);
}

#[test]
fn killed_run_leaves_a_partial_dir_that_the_next_run_removes() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(KIZUNA)
        .args([
            "-q",
            "run",
            "--replications",
            "400",
            "--threads",
            "1",
            "--no-plots",
            "--out",
            "out",
        ])
        .current_dir(tmp.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let partial = tmp.path().join(format!(".out.partial-{}", child.id()));
    let t0 = std::time::Instant::now();
    while !partial.exists() && t0.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        partial.exists(),
        "the run never staged {}",
        partial.display()
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(partial.exists());
    short_run(tmp.path(), &["--out", "out"]).expect_code(0);
    assert_eq!(entries(tmp.path()), ["out"]);
}

#[test]
fn impossible_output_locations_are_refused_before_simulating() {
    let tmp = tempfile::tempdir().unwrap();
    for out in [".", "..", "/", "sub/.."] {
        // 500 replications of the full scenario would take minutes: the refusal is immediate.
        let t0 = std::time::Instant::now();
        kizuna_in(
            Some(tmp.path()),
            ["-q", "run", "--replications", "500", "--out", out],
        )
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr(&format!("--out {out}: is not a directory name"));
        assert!(
            t0.elapsed().as_secs() < 20,
            "--out {out} took {:?}",
            t0.elapsed()
        );
    }
    // A place that cannot be created (a file in the way; a read-only mount fails the same way,
    // but not as root): not bad input, exit 1, but found at once, not after simulating.
    std::fs::write(tmp.path().join("file"), "x").unwrap();
    let t0 = std::time::Instant::now();
    kizuna_in(
        Some(tmp.path()),
        [
            "-q",
            "run",
            "--replications",
            "500",
            "--out",
            "file/sub/res",
        ],
    )
    .expect_code(1)
    .expect_no_panic()
    .expect_stderr("cannot create file/sub/res");
    assert!(t0.elapsed().as_secs() < 20, "took {:?}", t0.elapsed());
    assert_eq!(entries(tmp.path()), ["file"]);
}

// ------------------------------------------------------------------ bad option values

#[test]
fn too_many_threads_are_refused_naming_the_bound() {
    let tmp = tempfile::tempdir().unwrap();
    kizuna_in(
        Some(tmp.path()),
        ["run", "--threads", "10000", "--out", "out"],
    )
    .expect_code(2)
    .expect_no_panic()
    .expect_stderr("--threads 10000 is out of range; allowed: 1 to ");
    assert!(entries(tmp.path()).is_empty());
}

#[test]
fn seed_above_the_toml_integer_range_names_seed_and_the_range() {
    kizuna(["check", "vietnam_japan"]).expect_code(0);
    kizuna([
        "run",
        "--seed",
        "18446744073709551615",
        "--out",
        "/nonexistent/never",
    ])
    .expect_code(2)
    .expect_no_panic()
    .expect_stderr(
        "--seed 18446744073709551615 is out of range; allowed: 0 to 9223372036854775807",
    );
}

#[test]
fn non_utf8_local_file_is_reported_not_replaced_by_the_builtin() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("vietnam_japan.toml");
    std::fs::write(&bad, b"name = \"x\"\n\xff\xfe = 1\n").unwrap();
    std::fs::write(
        tmp.path().join("variant.toml"),
        "extends = \"vietnam_japan.toml\"\nname = \"variant\"\n",
    )
    .unwrap();
    kizuna_in(Some(tmp.path()), ["check", "vietnam_japan.toml"])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr(
            "vietnam_japan.toml:2:1: the file is not UTF-8 text: invalid byte at offset 11",
        );
    kizuna_in(Some(tmp.path()), ["check", "variant.toml"])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr(
            "vietnam_japan.toml:2:1: the file is not UTF-8 text: invalid byte at offset 11",
        );
}

#[test]
fn non_utf8_extended_file_is_not_reported_as_missing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("latin1.toml"), b"name = \"caf\xe9\"\n").unwrap();
    std::fs::write(tmp.path().join("child.toml"), "extends = \"latin1.toml\"\n").unwrap();
    let r = kizuna_in(Some(tmp.path()), ["check", "child.toml"]);
    r.expect_code(2)
        .expect_no_panic()
        .expect_stderr("latin1.toml:1:12: the file is not UTF-8 text: invalid byte at offset 11");
    assert!(!r.stderr.contains("not found"), "{}", r.stderr);
}

#[test]
fn utf8_bom_and_dashed_quarters_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bom.toml"),
        "\u{feff}extends = \"vietnam_japan.toml\"\nname = \"bom\"\n[horizon]\nend = \"2040-Q4\"\n",
    )
    .unwrap();
    kizuna_in(Some(tmp.path()), ["check", "bom.toml"]).expect_code(0);
}
