//! `kizuna describe`: the ODD document of a resolved scenario, and the committed docs/MODEL.md is
//! exactly what `kizuna describe --model` prints.

#[path = "cli_support.rs"]
mod support;

use support::*;

#[test]
fn committed_model_document_matches_kizuna_describe_model() {
    assert_committed_doc_matches("docs/MODEL.md", &["describe", "--model"]);
}

#[test]
fn describe_writes_an_odd_document_with_the_resolved_values() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("odd.md");
    let r = kizuna([
        "describe",
        "vietnam_japan",
        "--set",
        "parameters.friction.base=0.07",
        "--out",
        out.to_str().unwrap(),
    ]);
    r.expect_code(0).expect_no_panic();
    let md = std::fs::read_to_string(&out).unwrap();
    for section in [
        "## 1. Purpose and patterns",
        "## 2. Entities, state variables and scales",
        "## 3. Process overview and scheduling",
        "## 4. Design concepts",
        "## 5. Initialisation",
        "## 6. Input data",
        "## 7. Submodels",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    // The scenario's own entities, shocks and the value set on the command line (bold, beside
    // the default).
    assert!(md.contains("| VNM | Vietnam | 70, 20, 40, 30, 57, 35 |"));
    assert!(md.contains("| covid19 | supply_chain_disruption | 2020Q2 |"));
    assert!(md.contains("| `base` | φ₀: friction every partnership has whatever the distance [friction units]. | `0.05` | 0.0 to 0.5 | **`0.07`** (scenario) |"));
    // Equations come from the model code.
    assert!(md.contains("`g_k = (h_k,c − h_k,c')² / V_k`"));
    assert!(!md.contains("{:?}") && !md.contains("SupplyChainDisruption"));
}

#[test]
fn describe_of_a_broken_scenario_is_an_input_error() {
    let r = kizuna(["describe", "no_such_scenario_file.toml"]);
    r.expect_code(2).expect_no_panic();
}
