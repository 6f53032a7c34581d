//! The researcher's toolbox: `kizuna indicators` (and the committed docs/INDICATORS.md),
//! `kizuna schema` (scenario: validates every built-in scenario, rejects broken ones; sweep and
//! calibration: every file of scenarios/sweeps and scenarios/calibration), `kizuna completions`
//! and the human-readable `kizuna check` summary.

#[path = "cli_support.rs"]
mod support;

use support::*;

#[test]
fn committed_indicator_catalogue_matches_kizuna_indicators() {
    assert_committed_doc_matches(
        "docs/INDICATORS.md",
        &["indicators", "--format", "markdown"],
    );
}

#[test]
fn indicators_prints_every_indicator_in_each_format() {
    let text = kizuna(["indicators"]);
    text.expect_code(0);
    let csv = kizuna(["indicators", "--format", "csv"]);
    csv.expect_code(0);
    assert!(text.stdout.starts_with("name "), "{}", text.stdout);
    assert!(
        csv.stdout
            .starts_with("name,scope,unit,aggregation,description\n")
    );
    for spec in kizuna::indicators::CATALOGUE {
        assert!(text.stdout.contains(spec.name), "{} missing", spec.name);
        assert!(csv.stdout.contains(&format!("\n{},", spec.name)));
    }
    assert_eq!(
        text.stdout.lines().count(),
        kizuna::indicators::CATALOGUE.len() + 1
    );
}

fn schema() -> jsonschema::Validator {
    let r = kizuna(["schema", "scenario"]);
    r.expect_code(0).expect_no_panic();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("schema is JSON");
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(v["$id"], "urn:kizuna:schema:scenario");
    jsonschema::validator_for(&v).expect("a valid JSON Schema")
}

fn toml_to_json(text: &str) -> serde_json::Value {
    let t: toml::Value = toml::from_str(text).expect("TOML");
    serde_json::to_value(t).expect("TOML as JSON")
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn schema_validates_every_built_in_scenario_as_written_and_resolved() {
    let v = schema();
    for (name, text) in kizuna::scenario::builtin::SCENARIOS {
        let e = errors(&v, &toml_to_json(text));
        assert!(e.is_empty(), "{name} as written: {e:#?}");
        let loaded = kizuna::scenario::load(Some(name.trim_end_matches(".toml")), &[])
            .unwrap_or_else(|d| panic!("{name}: {d}"));
        let e = errors(&v, &toml_to_json(&loaded.doc.to_toml_string()));
        assert!(e.is_empty(), "{name} resolved: {e:#?}");
    }
}

#[test]
fn schema_rejects_broken_scenarios() {
    let v = schema();
    let base = kizuna::scenario::builtin::SCENARIOS[0].1;
    let mut doc = toml_to_json(base);
    doc["countries"][0]["culture"]["pdi"] = serde_json::json!("high");
    assert!(!errors(&v, &doc).is_empty(), "a string PDI was accepted");
    let mut doc = toml_to_json(base);
    doc["nmae"] = serde_json::json!("typo");
    assert!(!errors(&v, &doc).is_empty(), "an unknown key was accepted");
    let mut doc = toml_to_json(base);
    doc.as_object_mut().unwrap().remove("horizon");
    assert!(
        !errors(&v, &doc).is_empty(),
        "a complete file without horizon was accepted"
    );
    // A variant may leave out what it inherits, but not misspell or mistype it.
    let variant = toml_to_json(
        "extends = \"vietnam_japan.toml\"\nname = \"x\"\n[[shocks]]\nid = \"covid19\"\nintensity = 1.5\n",
    );
    assert!(
        errors(&v, &variant).is_empty(),
        "{:#?}",
        errors(&v, &variant)
    );
    let bad = toml_to_json(
        "extends = \"vietnam_japan.toml\"\n[[shocks]]\nid = \"covid19\"\nintensty = 1.5\n",
    );
    assert!(
        !errors(&v, &bad).is_empty(),
        "a misspelt shock key was accepted"
    );
}

fn schema_of(kind: &str) -> jsonschema::Validator {
    let r = kizuna(["schema", kind]);
    r.expect_code(0).expect_no_panic();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("schema is JSON");
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(v["$id"], format!("urn:kizuna:schema:{kind}"));
    jsonschema::validator_for(&v).expect("a valid JSON Schema")
}

/// Every `.toml` file directly in `dir` (relative to the repository), with its text.
fn toml_files(dir: &str) -> Vec<(std::path::PathBuf, String)> {
    let mut files: Vec<_> = std::fs::read_dir(repo_root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {dir}");
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn sweep_schema_validates_every_sweep_file_and_rejects_broken_ones() {
    let v = schema_of("sweep");
    let mut files = toml_files("scenarios/sweeps");
    files.push((
        repo_root().join("scripts/slurm/ci-sweep.toml"),
        std::fs::read_to_string(repo_root().join("scripts/slurm/ci-sweep.toml")).unwrap(),
    ));
    for (path, text) in &files {
        let e = errors(&v, &toml_to_json(text));
        assert!(e.is_empty(), "{}: {e:#?}", path.display());
    }
    let base = toml_to_json(&files[0].1);
    let mut doc = base.clone();
    doc["design"] = serde_json::json!("latin");
    assert!(
        !errors(&v, &doc).is_empty(),
        "an unknown design was accepted"
    );
    let mut doc = base.clone();
    doc["replicatons"] = serde_json::json!(3);
    assert!(!errors(&v, &doc).is_empty(), "an unknown key was accepted");
    let mut doc = base.clone();
    doc["parameters"][0]["min"] = serde_json::json!("low");
    assert!(!errors(&v, &doc).is_empty(), "a string min was accepted");
    let mut doc = base;
    doc["metrics"][0]["stat"] = serde_json::json!("median");
    assert!(!errors(&v, &doc).is_empty(), "an unknown stat was accepted");
}

#[test]
fn calibration_schema_validates_every_calibration_file_and_rejects_broken_ones() {
    let v = schema_of("calibration");
    let files = toml_files("scenarios/calibration");
    for (path, text) in &files {
        let e = errors(&v, &toml_to_json(text));
        assert!(e.is_empty(), "{}: {e:#?}", path.display());
    }
    let base = toml_to_json(&files[0].1);
    let mut doc = base.clone();
    doc.as_object_mut().unwrap().remove("seed");
    assert!(
        !errors(&v, &doc).is_empty(),
        "a file without seed was accepted"
    );
    let mut doc = base.clone();
    doc["algorithm"] =
        serde_json::json!({"kind": "nelder-mead", "max_evaluations": 50, "particles": 30});
    assert!(
        !errors(&v, &doc).is_empty(),
        "an ABC-SMC key under nelder-mead was accepted"
    );
    let mut doc = base.clone();
    doc["algorithm"]["kind"] = serde_json::json!("annealing");
    assert!(
        !errors(&v, &doc).is_empty(),
        "an unknown algorithm was accepted"
    );
    let mut doc = base.clone();
    doc["windows"]["train"] = serde_json::json!([1992]);
    assert!(
        !errors(&v, &doc).is_empty(),
        "a one-year window was accepted"
    );
    let mut doc = base;
    doc["parameters"][0]["scale"] = serde_json::json!("exp");
    assert!(
        !errors(&v, &doc).is_empty(),
        "an unknown scale was accepted"
    );
}

#[test]
fn completions_for_bash_zsh_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let r = kizuna(["completions", shell]);
        r.expect_code(0).expect_no_panic();
        assert!(
            r.stdout.len() > 200 && r.stdout.contains("kizuna"),
            "{shell}: {}",
            r.stdout
        );
        for sub in ["run", "indicators", "schema"] {
            assert!(r.stdout.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    kizuna(["completions", "tcsh"]).expect_code(2);
}

#[test]
fn check_prints_scenario_file_spellings_and_plurals() {
    let r = kizuna(["check", "vietnam_japan", "mitigation_full"]);
    r.expect_code(0).expect_no_panic();
    let out = &r.stdout;
    assert!(out.contains("1 pair,"), "{out}");
    assert!(!out.contains("1 pairs"), "{out}");
    assert!(out.contains("(liaison, dose"), "{out}");
    assert!(out.contains("(cooperation_mode, dose"), "{out}");
    assert!(out.contains("(joint_training, dose"), "{out}");
    for rust_name in [
        "Liaison",
        "CooperationMode",
        "JointTraining",
        "JointUniversity",
    ] {
        assert!(!out.contains(rust_name), "Rust name {rust_name} in {out}");
    }
}
