//! The committed docs/SCENARIO_REFERENCE.md is exactly what `kizuna reference` prints, so a
//! change to the scenario schema without regenerating the reference fails here.

#[path = "cli_support.rs"]
mod support;

use support::*;

#[test]
fn committed_scenario_reference_matches_kizuna_reference() {
    let r = kizuna(["reference"]);
    assert!(
        r.stderr.is_empty(),
        "reference printed on stderr:\n{}",
        r.stderr
    );
    assert_committed_doc_matches("docs/SCENARIO_REFERENCE.md", &["reference"]);
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
