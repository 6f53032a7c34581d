//! Input rules checked through the library (fast, no binary per case): NaN at every float key,
//! duplicate codes, horizons the data cannot cover, deep nesting, the cost of many unknown keys,
//! and a property test that random mutations of every built-in scenario and sweep file never
//! panic, end in exit 0 or 2, and leave nothing behind on exit 2.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Parser;
use kizuna::cli::{Cli, CliError, run_cli};
use kizuna::scenario::builtin;
use kizuna::scenario::document::{ResolvedDocument, SourceFile, resolve_source};
use kizuna::scenario::load::{from_document, from_text, resolve_scenario};
use proptest::prelude::*;

fn default_doc() -> ResolvedDocument {
    resolve_scenario(None).expect("the default scenario resolves")
}

/// Every key path of `value` whose leaf is a float, as `--set` paths (`a.b[0].c`).
fn float_paths(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        toml::Value::Float(_) => out.push(prefix.to_string()),
        toml::Value::Table(t) => {
            for (k, v) in t {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                float_paths(v, &p, out);
            }
        }
        toml::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                float_paths(v, &format!("{prefix}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn nan_is_refused_at_every_float_key() {
    let loaded = from_document(default_doc()).expect("the default scenario is valid");
    // With defaults filled in, so parameters left at their default are covered too.
    let effective = toml::Value::try_from(&loaded.raw).unwrap();
    from_document({
        let mut doc = default_doc();
        doc.table = effective.as_table().unwrap().clone();
        doc
    })
    .expect("the default scenario with defaults filled in is valid");
    let mut paths = Vec::new();
    float_paths(&effective, "", &mut paths);
    assert!(paths.len() > 100, "only {} float keys found", paths.len());
    let mut accepted = Vec::new();
    for path in &paths {
        // Into the table with defaults filled in: keys at their default are not in the file.
        let mut doc = default_doc();
        let mut table = effective.as_table().unwrap().clone();
        kizuna::scenario::keypath::set(
            &mut table,
            &kizuna::scenario::keypath::KeyPath::parse(path).unwrap(),
            toml::Value::Float(f64::NAN),
        )
        .unwrap_or_else(|e| panic!("{path}: {}", e.message));
        doc.table = table;
        match from_document(doc) {
            Ok(_) => accepted.push(path.clone()),
            Err(d) => {
                let text = d.to_string();
                assert!(
                    text.contains(&format!("{path}: value nan is not a number")),
                    "{path}: {text}"
                );
            }
        }
    }
    assert!(accepted.is_empty(), "NaN accepted at {accepted:?}");
}

/// The default scenario with a copy of the first element of `list` appended (a pasted block),
/// taking the element from the first built-in scenario that has one.
fn with_duplicate(list: &str) -> ResolvedDocument {
    for (name, _) in builtin::SCENARIOS {
        let mut doc = resolve_scenario(Some(name)).unwrap();
        let Some(toml::Value::Array(items)) = doc.table.get_mut(list) else {
            continue;
        };
        let Some(first) = items.first().cloned() else {
            continue;
        };
        items.push(first);
        return doc;
    }
    panic!("no built-in scenario has {list}");
}

#[test]
fn duplicate_codes_are_refused_for_every_list() {
    for (list, what, field) in [
        ("countries", "country", "code"),
        ("pairs", "pair", "code"),
        ("donors", "donor", "code"),
        ("firms", "firm population", "code"),
        ("institutions", "institution", "code"),
        ("programmes", "programme", "code"),
        ("shocks", "shock", "id"),
    ] {
        let doc = with_duplicate(list);
        let n = doc.table[list].as_array().unwrap().len();
        let err = from_document(doc)
            .map(|_| ())
            .expect_err(&format!("a duplicate in {list} was accepted"));
        let text = err.to_string();
        assert!(
            text.contains(&format!("{list}[{}].{field}: duplicate {what}", n - 1)),
            "{list}: {text}"
        );
    }
}

#[test]
fn duplicate_donor_pasted_into_a_file_is_located_at_its_line() {
    let text = builtin::scenario("vietnam_japan").unwrap();
    // The first donor with its [[donors.recipients]] sub-tables.
    let start = text.find("[[donors]]").unwrap();
    let mut end = start + 1;
    while let Some(i) = text[end..].find("\n[") {
        end += i + 1;
        if !text[end..].starts_with("[[donors.") {
            break;
        }
    }
    let block = &text[start..end];
    let pasted = format!("{text}\n{block}\n");
    let line = pasted[..pasted.rfind("[[donors]]").unwrap()]
        .lines()
        .count()
        + 1;
    let err = from_text("pasted.toml", &pasted, &[])
        .map(|_| ())
        .expect_err("a pasted donor block was accepted");
    let d = err
        .0
        .iter()
        .find(|d| d.message.starts_with("duplicate donor code"))
        .unwrap_or_else(|| panic!("no duplicate-donor diagnostic: {err}"));
    assert_eq!(d.file, PathBuf::from("pasted.toml"));
    assert!(
        d.line.is_some_and(|l| l > line),
        "line {:?}, block at {line}",
        d.line
    );
}

#[test]
fn horizon_before_the_gdp_data_is_refused_with_the_allowed_range() {
    for start in ["1800Q1", "1984Q4"] {
        let err = from_text(
            "early.toml",
            &format!("extends = \"vietnam_japan.toml\"\n[horizon]\nstart = \"{start}\"\n"),
            &[],
        )
        .map(|_| ())
        .expect_err("a horizon before the data was accepted");
        let text = err.to_string();
        assert!(
            text.contains("early.toml:3:1: horizon.start:")
                && text.contains("is before the GDP data")
                && text.contains("allowed: 1985Q1 or later"),
            "{text}"
        );
    }
    // The first year of the data is fine.
    from_text(
        "ok.toml",
        "extends = \"vietnam_japan.toml\"\n[horizon]\nstart = \"1985Q1\"\n",
        &[],
    )
    .expect("a horizon starting with the data is valid");
}

#[test]
fn an_emigrant_stock_series_missing_from_its_file_is_located() {
    let text = "extends = \"vietnam_japan.toml\"\n[[talent_origins]]\ncode = \"THA\"\n\
        destination = \"JPN\"\ngdp = { data = \"gdp_current_usd.csv\" }\n\
        population = { start = 7.0e7 }\n\
        emigrants_elsewhere = { data = \"emigrants_in_labour_destinations.csv\", series = \"emigrants_in_labour_destinations\" }\n\
        programmes = [{ programme = \"technical_intern\", fee_usd = 1000 }]\n";
    let err = from_text("thai.toml", text, &[])
        .map(|_| ())
        .expect_err("an origin without emigrant data was accepted");
    let text = err.to_string();
    assert!(
        text.contains("talent_origins[5].emigrants_elsewhere.series")
            && text.contains("no 'emigrants_in_labour_destinations' rows for THA"),
        "{text}"
    );
    // A stock given by a start value and growth needs no data.
    from_text("thai.toml", &text_with_start(), &[]).expect("a stock from a start value is valid");
}

fn text_with_start() -> String {
    "extends = \"vietnam_japan.toml\"\n[[talent_origins]]\ncode = \"THA\"\n\
        destination = \"JPN\"\ngdp = { data = \"gdp_current_usd.csv\" }\n\
        population = { start = 7.0e7 }\n\
        emigrants_elsewhere = { start = 300000, growth_per_year = 0.03 }\n\
        programmes = [{ programme = \"technical_intern\", fee_usd = 1000 }]\n"
        .to_string()
}

#[test]
fn deeply_nested_toml_reports_the_line() {
    for deep in [
        format!("{} = 1", vec!["a"; 150].join(".")),
        format!("[{}]\nx = 1", vec!["a"; 150].join(".")),
    ] {
        let text = format!("extends = \"vietnam_japan.toml\"\n# c\n{deep}\n");
        let err = from_text("deep.toml", &text, &[])
            .map(|_| ())
            .expect_err("150 levels were accepted");
        let d = &err.0[0];
        assert_eq!(d.line, Some(3), "{err}");
        assert!(err.to_string().starts_with("deep.toml:3:1: "), "{err}");
    }
}

#[test]
fn many_unknown_keys_are_reported_in_linear_time() {
    // Locating each key used to parse every source file again: 4,000 keys took 5 s, 16,000
    // over two minutes. Twice the keys must cost about twice the time, not four times.
    let time = |n: usize| {
        let mut text = String::from("extends = \"vietnam_japan.toml\"\n[output]\n");
        for i in 0..n {
            text.push_str(&format!("unknown_key_{i} = 1\n"));
        }
        let t0 = Instant::now();
        let err = from_text("many.toml", &text, &[])
            .map(|_| ())
            .expect_err("unknown keys accepted");
        assert_eq!(err.len(), n);
        assert!(err.0[n - 1].line.is_some());
        t0.elapsed()
    };
    // Best of two, to be robust against a busy machine.
    let small = time(4_000).min(time(4_000));
    let big = time(16_000).min(time(16_000));
    eprintln!("4,000 keys: {small:?}, 16,000 keys: {big:?}");
    assert!(
        big < Duration::from_secs(8),
        "16,000 unknown keys took {big:?}"
    );
    // Linear: 4 times the keys, about 4 times the time; quadratic would be 16 times.
    assert!(
        big < small * 9 + Duration::from_millis(100),
        "4,000 keys: {small:?}, 16,000 keys: {big:?} (quadratic)"
    );
}

// ------------------------------------------------------------------ property test

/// Exit code of `kizuna ARGS` run in-process: 0, 2 (bad input) or 1.
fn exit_code(args: &[&str]) -> i32 {
    let cli = match Cli::try_parse_from(std::iter::once("kizuna").chain(args.iter().copied())) {
        Ok(cli) => cli,
        Err(_) => return 2,
    };
    match run_cli(cli) {
        Ok(()) => 0,
        Err(CliError::Input(_)) => 2,
        Err(CliError::Failure(_)) => 1,
    }
}

/// The built-in scenario and sweep files, by path.
fn builtin_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = builtin::SCENARIOS
        .iter()
        .map(|(n, _)| root.join("scenarios").join(n))
        .collect();
    for e in std::fs::read_dir(root.join("scenarios/sweeps")).unwrap() {
        files.push(e.unwrap().path());
    }
    files.sort();
    files
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Remove `len` bytes at a relative position.
    Delete(f64, usize),
    /// Insert text at a relative position.
    Insert(f64, String),
    /// Replace the value of the n-th `key = value` line.
    Value(usize, String),
    /// Duplicate the n-th line.
    DuplicateLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-1".to_string()),
        Just("1e308".to_string()),
        Just("\"\"".to_string()),
        Just("\"/tmp\"".to_string()),
        Just("\"../x\"".to_string()),
        Just("\"1800Q1\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("true".to_string()),
        Just("9223372036854775807".to_string()),
        "[a-z0-9_.\\[\\]\"=, {}\n-]{0,12}",
    ];
    prop_oneof![
        (0.0..1.0f64, 1..40usize).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (0.0..1.0f64, "[a-z0-9_.\\[\\]\"=, {}\n#\u{feff}é-]{1,16}")
            .prop_map(|(p, s)| Mutation::Insert(p, s)),
        (0..400usize, token).prop_map(|(n, v)| Mutation::Value(n, v)),
        (0..400usize).prop_map(Mutation::DuplicateLine),
    ]
}

fn char_floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    match m {
        Mutation::Delete(p, n) => {
            let a = char_floor(text, (text.len() as f64 * p) as usize);
            let b = char_floor(text, a + n);
            format!("{}{}", &text[..a], &text[b..])
        }
        Mutation::Insert(p, s) => {
            let a = char_floor(text, (text.len() as f64 * p) as usize);
            format!("{}{s}{}", &text[..a], &text[a..])
        }
        Mutation::Value(n, v) => {
            let lines: Vec<&str> = text.lines().collect();
            let assignments: Vec<usize> = (0..lines.len())
                .filter(|&i| !lines[i].trim_start().starts_with('#') && lines[i].contains(" = "))
                .collect();
            if assignments.is_empty() {
                return text.to_string();
            }
            let i = assignments[n % assignments.len()];
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let key = out[i].split(" = ").next().unwrap_or("").to_string();
            out[i] = format!("{key} = {v}");
            out.join("\n") + "\n"
        }
        Mutation::DuplicateLine(n) => {
            let lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let i = n % lines.len();
            let mut out: Vec<&str> = lines.clone();
            out.insert(i, lines[i]);
            out.join("\n") + "\n"
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_builtin_files_never_panic_and_exit_0_or_2_leaving_nothing(
        file in 0..32usize,
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let files = builtin_files();
        let path = &files[file % files.len()];
        let original = std::fs::read_to_string(path).unwrap();
        let mut text = original.clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        let tmp = tempfile::tempdir().unwrap();
        // Beside the original's name, so `extends` and `base` resolve among the built-ins.
        let input = tmp.path().join(path.file_name().unwrap());
        std::fs::write(&input, &text).unwrap();
        let input_s = input.display().to_string();
        // The parsers directly (a sweep file is not a scenario, so only "no panic" holds there).
        let _ = kizuna::sweep::parse_sweep(&text, &input_s, &[]);
        let _ = resolve_source(SourceFile { path: input.clone(), text: text.clone() }, &builtin::scenario)
            .map(|doc| from_document(doc).map(|_| ()));
        let code = exit_code(&["check", &input_s]);
        prop_assert!(code == 0 || code == 2, "check exited {code} for {}:\n{text}", path.display());
        if code == 2 {
            let out = tmp.path().join("out");
            let out_s = out.display().to_string();
            let is_sweep = path.parent().is_some_and(|p| p.ends_with("sweeps"));
            let run = if is_sweep {
                exit_code(&["-q", "sweep", &input_s, "--out", &out_s, "--threads", "1"])
            } else {
                exit_code(&["-q", "run", &input_s, "--out", &out_s, "--threads", "1", "--no-plots"])
            };
            prop_assert_eq!(run, 2, "check said 2 but the command did not, for {}:\n{}", path.display(), text);
            let left: Vec<String> = std::fs::read_dir(tmp.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            prop_assert_eq!(left.len(), 1, "left behind: {:?}", left);
        }
    }
}

/// `funded_by` names a donor of the scenario or "host"; anything else is refused at its key path
/// with the donors that exist.
#[test]
fn programme_funder_must_be_a_donor_or_the_host() {
    let err = match from_text(
        "funder.toml",
        "extends = \"vietnam_japan\"\n[[programmes]]\ncode = \"jica_experts_liaison\"\nfunded_by = \"JAICA\"\n",
        &[],
    ) {
        Ok(_) => panic!("an unknown funder was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("funded_by"), "{err}");
    assert!(
        err.contains("JICA"),
        "the error should suggest the donors: {err}"
    );
    from_text(
        "funder.toml",
        "extends = \"vietnam_japan\"\n[[programmes]]\ncode = \"jica_experts_liaison\"\nfunded_by = \"host\"\n",
        &[],
    )
    .expect("\"host\" is a funder");
}

/// Found by the mutation property test: a pair whose country code is invalid, while talent entries
/// still name that pair, is an error at the pair's key, not an index panic.
#[test]
fn talent_of_an_invalid_pair_is_an_error_not_a_panic() {
    let err = match from_text(
        "pair.toml",
        "extends = \"vietnam_japan\"\n[[pairs]]\ncode = \"VNM-JPN\"\npartner = \"\"\n",
        &[],
    ) {
        Ok(_) => panic!("an empty partner code was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("partner"), "{err}");
}
