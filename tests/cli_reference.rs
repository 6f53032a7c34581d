//! The committed docs/SCENARIO_REFERENCE.md is exactly what `kizuna reference` prints, so a
//! change to the scenario schema without regenerating the reference fails here.

#[path = "cli_support.rs"]
mod support;

use support::*;

#[test]
fn committed_scenario_reference_matches_kizuna_reference() {
    let r = kizuna(["reference"]);
    r.expect_code(0).expect_no_panic();
    assert!(
        r.stderr.is_empty(),
        "reference printed on stderr:\n{}",
        r.stderr
    );
    let path = repo_root().join("docs/SCENARIO_REFERENCE.md");
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if committed != r.stdout {
        let line = committed
            .lines()
            .zip(r.stdout.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(r.stdout.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "docs/SCENARIO_REFERENCE.md is stale (first difference at line {line}: committed {:?}, \
             generated {:?}); regenerate it with\n    \
             cargo run --release -- reference > docs/SCENARIO_REFERENCE.md",
            committed.lines().nth(line - 1).unwrap_or("<end of file>"),
            r.stdout.lines().nth(line - 1).unwrap_or("<end of output>"),
        );
    }
}

#[test]
fn reference_documents_the_keys_used_by_the_default_scenario() {
    let r = kizuna(["reference"]);
    r.expect_code(0);
    for key in [
        "horizon.end",
        "run.replications",
        "countries[].culture.pdi",
        "shocks[].start",
        "programmes[].implementation_start",
    ] {
        assert!(
            r.stdout.contains(&format!("| `{key}` |")),
            "reference has no row for `{key}`"
        );
    }
}
