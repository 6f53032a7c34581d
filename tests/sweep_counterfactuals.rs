//! Running only the counterfactuals that some output reads changes none of the outputs that are
//! read: the shocked run and the counterfactuals that run do not depend on which others run.

mod common;

use kizuna::model::{
    Counterfactuals, Schedule, run_replication, run_replication_scheduled, run_replication_with,
};
use kizuna::scenario::load::resolve_scenario;
use kizuna::sweep::{
    Progress, RunOptions, ScenarioRun, SweepSpec, parse_sweep, run_sweep, shocks_read_by,
};

const SHOCKS: &str = r#"
[[shocks]]
id = "disruption"
kind = "supply_chain_disruption"
target = { country = "HOST" }
start = "2005Q1"
intensity = 0.5
affected_share = 0.3
[[shocks]]
id = "scandal"
kind = "scandal"
target = { pair = "HOST-HOME" }
start = "2006Q1"
[[shocks]]
id = "scandal_2"
kind = "scandal"
target = { pair = "HOST-HOME" }
start = "2006Q1"
intensity = 0.3
"#;

#[test]
fn a_subset_of_counterfactuals_gives_the_same_series_and_resilience() {
    let cfg = common::small_world(SHOCKS, &[]);
    let all = run_replication(&cfg, 3).unwrap();
    assert_eq!(
        all.resilience
            .iter()
            .map(|r| r.shock_index)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        3
    );
    // Two shocks start in the same quarter (one snapshot shared by two counterfactuals).
    for subset in [vec![1], vec![2], vec![0, 2], vec![1, 2]] {
        let some = run_replication_with(&cfg, 3, &Counterfactuals::Only(subset.clone())).unwrap();
        assert_eq!(some.series, all.series);
        let expected: Vec<_> = all
            .resilience
            .iter()
            .filter(|r| subset.contains(&r.shock_index))
            .cloned()
            .collect();
        assert_eq!(some.resilience, expected, "subset {subset:?}");
    }
    // Running each counterfactual as soon as the shocked run reaches its shock changes nothing.
    for which in [Counterfactuals::All, Counterfactuals::Only(vec![0, 2])] {
        let inline = run_replication_scheduled(&cfg, 3, &which, Schedule::Inline).unwrap();
        let parallel = run_replication_scheduled(&cfg, 3, &which, Schedule::Parallel).unwrap();
        assert_eq!(inline, parallel, "{which:?}");
    }
    let none = run_replication_with(&cfg, 3, &Counterfactuals::None).unwrap();
    assert_eq!(none.series, all.series);
    assert!(none.resilience.is_empty());
    let by_id = Counterfactuals::for_shock_ids(&cfg, &["scandal", "no_such_shock"]);
    assert_eq!(by_id, Counterfactuals::Only(vec![1]));
}

#[test]
fn counterfactual_paths_end_with_the_resilience_window() {
    let window = 12;
    let cfg = common::small_world(
        SHOCKS,
        &[&format!("output.resilience_window_quarters={window}")],
    );
    let r = run_replication(&cfg, 0).unwrap();
    for s in &r.resilience {
        assert_eq!(s.counterfactual.len(), (s.start_step + window) as usize);
        assert_eq!(s.shocked.len(), s.counterfactual.len());
    }
}

fn sweep(text: &str) -> SweepSpec {
    let mut s = parse_sweep(text, "cf.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    s.seed = Some(11);
    s
}

fn runs_csv(spec: &SweepSpec, run: &ScenarioRun) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let opts = RunOptions {
        threads: 2,
        shard: None,
        resume: false,
        progress: Progress::Quiet,
        formats: Default::default(),
    };
    let f = |o: &[(String, toml::Value)], r: u32, seed: u64| run.run(o, r, seed);
    run_sweep(spec, "base", &f, dir.path(), &opts).unwrap();
    std::fs::read(dir.path().join("runs.csv")).unwrap()
}

#[test]
fn a_sweep_of_the_default_scenario_gives_the_same_runs_csv_with_only_the_counterfactuals_it_reads()
{
    let spec = sweep(
        r#"
name = "cf"
base = "vietnam_japan"
replications = 1
design = "grid"
[[parameters]]
key = "parameters.trust.negativity_weight"
values = [1.5, 2.5]
[[metrics]]
name = "fdi_2030"
indicator = "fdi_stock_usd.VNM-JPN"
at = "2030Q4"
[[metrics]]
name = "covid_depth"
resilience = { shock = "covid19", indicator = "fdi_stock_usd.VNM-JPN", metric = "depth" }
[[metrics]]
name = "covid_recovery"
resilience = { shock = "covid19", indicator = "trade_usd_per_q.VNM-JPN", metric = "recovery_quarters" }
[[metrics]]
name = "scandal_loss"
resilience = { shock = "pci_scandal_2008", indicator = "pair_trust.VNM-JPN", metric = "loss_area_quarters" }
"#,
    );
    assert_eq!(
        shocks_read_by(&spec.metrics),
        ["covid19", "pci_scandal_2008"]
    );
    let base = resolve_scenario(Some("vietnam_japan")).unwrap();
    let selected = ScenarioRun::for_sweep(base.clone(), &spec);
    let all = ScenarioRun::with_all_counterfactuals(base);
    let bytes = runs_csv(&spec, &selected);
    assert_eq!(bytes, runs_csv(&spec, &all));
    assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 3);
}
