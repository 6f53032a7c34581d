//! Sweep file parsing and validation.

use kizuna::sweep::testing::fake_lookup;
use kizuna::sweep::{Design, SweepError, load_sweep, load_sweep_with, parse_sweep};

const GOOD: &str = r#"
name = "trust"
base = "vietnam_japan.toml"
replications = 10
design = "grid"

[[parameters]]
key = "parameters.trust.negativity_weight"
min = 0.5
max = 2.0
count = 4

[[parameters]]
key = "programmes[training].dose"
values = [1, 2, 5]

[[metrics]]
name = "fdi_2030"
indicator = "fdi_stock_usd.VNM-JPN"
at = "2030Q4"

[[metrics]]
name = "trust_mean"
indicator = "trust.VNM-JPN"
stat = "mean"

[[metrics]]
name = "crisis_recovery"
resilience = { shock = "crisis", indicator = "fdi_stock_usd.VNM-JPN", metric = "recovery_quarters" }
"#;

fn keys(e: &SweepError) -> Vec<String> {
    e.diagnostics().iter().map(|d| d.key.clone()).collect()
}

#[test]
fn a_valid_file_loads_with_resolved_base_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sweeps").join("trust.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, GOOD).unwrap();
    let mut s = load_sweep(&path).unwrap();
    assert_eq!(s.base, "vietnam_japan.toml");
    assert_eq!(
        s.base_path,
        dir.path().join("sweeps").join("vietnam_japan.toml")
    );
    assert_eq!(s.point_count(), 12);
    assert_eq!(s.run_count(), 120);
    assert_eq!(s.seed, None);
    s.check_against_base(&fake_lookup).unwrap();
    assert_eq!(s.seed, Some(42), "seed defaults to the base scenario's");
}

#[test]
fn set_overrides_and_replications_apply_to_the_sweep_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, GOOD).unwrap();
    let sets = vec![
        ("replications".to_string(), "3".to_string()),
        ("seed".to_string(), "7".to_string()),
        ("design".to_string(), "sobol".to_string()),
        ("samples".to_string(), "64".to_string()),
    ];
    let s = load_sweep_with(&path, &sets).unwrap();
    assert_eq!(s.replications, 3);
    assert_eq!(s.seed, Some(7));
    assert_eq!(s.design, Design::Sobol { samples: 64 });
    assert_eq!(s.run_count(), 192);
    let e = load_sweep_with(&path, &[("parameters".into(), "1".into())]).unwrap_err();
    assert!(e.to_string().contains("only top-level keys"), "{e}");
}

#[test]
fn validation_errors_are_reported_together_with_key_paths_and_lines() {
    let text = r#"
name = "bad"
replications = 0
design = "morris"
trajectories = 5
levels = 3

[[parameters]]
key = "parameters.a"
min = 2.0
max = 1.0

[[parameters]]
key = "parameters.b"
min = -1.0
max = 1.0
scale = "log"

[[parameters]]
key = "parameters.a"
values = [1, "x"]

[[metrics]]
name = "m"
indicator = "fdi_stock_usd.VNM-JPN"
at = "2030Q5"

[[metrics]]
name = "m"
resilience = { shock = "crisis", indicator = "x", metric = "depth" }
"#;
    let e = parse_sweep(text, "bad.toml", &[]).unwrap_err();
    let k = keys(&e);
    for want in [
        "base",
        "replications",
        "levels",
        "parameters[0].max",
        "parameters[1].min",
        "parameters[2].key",
        "parameters[2].values[1]",
        "metrics[0].at",
        "metrics[1].name",
    ] {
        assert!(k.iter().any(|x| x == want), "missing {want} in {k:?}\n{e}");
    }
    let msg = e.to_string();
    assert!(msg.starts_with("bad.toml: "), "{msg}");
    // Lines located for keys that exist in the file.
    let at = e
        .diagnostics()
        .iter()
        .find(|d| d.key == "metrics[0].at")
        .unwrap();
    assert_eq!(at.line.map(|l| l.0), Some(26), "{msg}");
    let lv = e.diagnostics().iter().find(|d| d.key == "levels").unwrap();
    assert_eq!(lv.line, Some((6, 1)));
}

#[test]
fn syntax_and_unknown_field_errors_have_a_line() {
    let e = parse_sweep("name = \"x\"\nbase = \n", "s.toml", &[]).unwrap_err();
    assert!(e.diagnostics()[0].line.is_some_and(|(l, _)| l == 2), "{e}");
    let e = parse_sweep("name = \"x\"\nbsae = \"b.toml\"\n", "s.toml", &[]).unwrap_err();
    assert!(e.to_string().contains("bsae"), "{e}");
    assert_eq!(e.diagnostics()[0].line.map(|l| l.0), Some(2), "{e}");
}

#[test]
fn exceeding_max_runs_says_how_many_runs_the_design_makes() {
    let text = GOOD
        .replace("count = 4", "count = 400")
        .replace("replications = 10", "replications = 100");
    let e = parse_sweep(&text, "s.toml", &[]).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("120000 runs"), "{msg}");
    assert!(msg.contains("1200 points × 100 replications"), "{msg}");
    assert!(msg.contains("max_runs = 100000"), "{msg}");
    // Raising the cap accepts it.
    let ok = parse_sweep(&format!("max_runs = 200000\n{text}"), "s.toml", &[]);
    assert!(ok.is_ok());
}

#[test]
fn base_checks_report_unknown_keys_and_type_mismatches_together() {
    let text = r#"
name = "x"
base = "b.toml"
replications = 1
seed = 1
design = "grid"
[[parameters]]
key = "nonexistent.key"
values = [1.0]
[[parameters]]
key = "policy.mode"
min = 0
max = 1
count = 2
[[parameters]]
key = "programmes[training].dose"
values = [1.5]
[[parameters]]
key = "parameters.w"
values = [1, 2]
[[metrics]]
name = "m"
indicator = "trust.VNM-JPN"
stat = "final"
"#;
    let mut s = parse_sweep(text, "s.toml", &[]).unwrap();
    let e = s.check_against_base(&fake_lookup).unwrap_err();
    let k = keys(&e);
    assert_eq!(
        k,
        [
            "parameters[0].key",
            "parameters[1].min",
            "parameters[2].values[0]"
        ],
        "{e}"
    );
    assert!(e.to_string().contains("did you mean"), "{e}");
    // Integers given for a float parameter become floats.
    assert_eq!(
        s.parameters[3].domain,
        kizuna::sweep::Domain::Values(vec![toml::Value::Float(1.0), toml::Value::Float(2.0)])
    );
}

#[test]
fn design_specific_fields_are_required_and_checked() {
    let base = "name='x'\nbase='b'\nreplications=1\n[[parameters]]\nkey='parameters.a'\nmin=0\nmax=1\n\
                [[metrics]]\nname='m'\nindicator='trust.VNM-JPN'\nstat='max'\n";
    let e = parse_sweep(&format!("design='lhs'\n{base}"), "s", &[]).unwrap_err();
    assert_eq!(keys(&e), ["samples"]);
    let e = parse_sweep(&format!("design='morris'\nsamples=3\n{base}"), "s", &[]).unwrap_err();
    assert_eq!(keys(&e), ["samples", "trajectories", "levels"]);
    let e = parse_sweep(&format!("design='grid'\n{base}"), "s", &[]).unwrap_err();
    assert_eq!(keys(&e), ["parameters[0].count"]);
    assert!(parse_sweep(&format!("design='sobol'\nsamples=8\n{base}"), "s", &[]).is_ok());
}
