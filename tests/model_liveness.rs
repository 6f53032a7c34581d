//! Every behavioural parameter is live (MODEL.md v2): perturbed inside its documented range on a
//! small scenario where every mechanism is active, it changes at least one indicator or one
//! resilience metric. A parameter that cannot be made live must be deleted, not exempted.
//!
//! The parameters are enumerated from `Params::default()` and their ranges from the JSON schema
//! the scenario validator uses, so a parameter added later is covered without editing this file.

use kizuna::model::params::Params;
use kizuna::model::{Config, run_replication};
use kizuna::scenario::load::from_text;
use rayon::prelude::*;
use serde_json::Value;

/// A small world in which aid, public capital, loans and graduation, institutions of every kind,
/// every mitigation lever, talent programmes, events and every shock kind are active. Two hosts in
/// one cultural block (block experience) and a high-capacity second host (crowding out).
const EVERYTHING: &str = r#"
name = "liveness"
[horizon]
start = "2000Q1"
end = "2019Q4"
[run]
seed = 11
[[countries]]
code = "HOST"
block = "south"
culture = { pdi = 70, idv = 20, mas = 40, uai = 30, lto = 57, ivr = 35 }
gdp = { start_usd_per_year = 50.0e9, growth_per_year = 0.06 }
population = { start = 80.0e6, growth_per_year = 0.01 }
capacity_initial = 0.3
capacity_floor = 0.3
public_investment_gdp_share = 0.07
[[countries]]
code = "HOST2"
block = "south"
culture = { pdi = 64, idv = 20, mas = 34, uai = 64, lto = 32, ivr = 45 }
gdp = { start_usd_per_year = 120.0e9, growth_per_year = 0.05 }
population = { start = 60.0e6, growth_per_year = 0.005 }
capacity_initial = 0.7
capacity_floor = 0.6
[[countries]]
code = "HOME"
block = "north"
culture = { pdi = 54, idv = 46, mas = 95, uai = 92, lto = 88, ivr = 42 }
gdp = { start_usd_per_year = 4.5e12, growth_per_year = 0.01 }
population = { start = 125.0e6 }
working_age_population = { start = 80.0e6, growth_per_year = -0.008 }
capacity_initial = 0.9
capacity_floor = 0.9
[[pairs]]
code = "HOST-HOME"
partner = "HOST"
donor = "HOME"
distance_km = 3600
gov_trust_initial = 0.5
settled_residents_initial = 1000
emigrants_elsewhere = { start = 20000, growth_per_year = 0.05 }
[[pairs]]
code = "HOST2-HOME"
partner = "HOST2"
donor = "HOME"
distance_km = 4600
gov_trust_initial = 0.55
[[firms]]
code = "investors"
country = "HOME"
kind = "investor"
count = 500
ln_productivity_mean = 0.9
human_capital_mean = 0.8
capital_usd_median = 2.0e8
bilingual_share = 0.02
[[firms]]
code = "locals"
country = "HOST"
kind = "domestic"
count = 900
capital_usd_median = 8.0e6
[[firms]]
code = "locals2"
country = "HOST2"
kind = "domestic"
count = 600
ln_productivity_mean = 0.3
human_capital_mean = 0.3
capital_usd_median = 1.5e7
[output]
resilience_indicators = ["active_partnerships.HOST-HOME", "trade_usd_per_q.HOST-HOME", "fdi_stock_usd.HOST-HOME", "pair_trust.HOST-HOME", "firm_output_usd_per_q.HOST", "capacity_k.HOST2"]
[[donors]]
code = "AGENCY"
home = "HOME"
budget_usd_per_year = 10.0e9
other_recipients_weight = 20.0
loan_share = 0.8
cooperation_mode = 0.2
[[donors.recipients]]
country = "HOST"
outstanding_loans_usd = 2.0e9
graduation = { gni_per_capita_usd = 900, quarters_above = 4, transition_quarters = 12, residual_eligibility = 0.3 }
[[donors]]
code = "OTHERS"
home = "HOME"
budget_usd_per_year = 5.0e9
other_recipients_weight = 30.0
loan_share = 0.2
budget_volatility = 0.1
[[donors.recipients]]
country = "HOST"
[[donors.recipients]]
country = "HOST2"
strategic_weight = 0.5
[[institutions]]
code = "university"
kind = "joint_university"
pair = "HOST-HOME"
opens = "2002Q1"
ramp_quarters = 8
graduates_per_quarter = 200
[[institutions]]
code = "association"
kind = "business_association"
pair = "HOST-HOME"
opens = "2001Q1"
ramp_quarters = 8
membership_share = 0.5
dispute_resolution = 0.3
[[institutions]]
code = "centre"
kind = "training_centre"
pair = "HOST-HOME"
opens = "2001Q3"
training_dose = 0.3
[[institutions]]
code = "committee"
kind = "bilateral_committee"
pair = "HOST-HOME"
opens = "2003Q1"
dialogue_per_quarter = 0.005
[[programmes]]
code = "cocreation"
lever = "cooperation_mode"
pair = "HOST-HOME"
dose = 0.6
start = "2003Q1"
cost_usd_per_quarter = 1.0e6
[[programmes]]
code = "liaison"
lever = "liaison"
pair = "HOST-HOME"
dose = 0.4
start = "2001Q1"
[[programmes]]
code = "training"
lever = "joint_training"
pair = "HOST-HOME"
dose = 0.5
start = "2002Q1"
implementation_start = "2002Q3"
sustainability_start = "2003Q3"
end = "2012Q1"
decay_after_end_per_quarter = 0.1
[[programmes]]
code = "diversify"
lever = "diversification"
pair = "HOST-HOME"
dose = 0.5
start = "2004Q1"
[[talent_rules]]
destination = "HOME"
programme = "technical_intern"
[[talent_rules.regimes]]
from = "2000Q1"
max_stay_quarters = 12
language_prep_quarters = 1
[[talent_rules]]
destination = "HOME"
programme = "specified_skilled_worker"
[[talent_rules.regimes]]
from = "2004Q1"
max_stay_quarters = 20
employer_mobility = 1.0
[[talent_rules]]
destination = "HOME"
programme = "student"
[[talent_rules.regimes]]
from = "2000Q1"
max_stay_quarters = 10
[[talent_rules]]
destination = "HOME"
programme = "engineer"
[[talent_rules.regimes]]
from = "2000Q1"
[[talent_origins]]
code = "RIVAL"
destination = "HOME"
gdp = { start_usd_per_year = 300.0e9, growth_per_year = 0.08 }
population = { start = 200.0e6, growth_per_year = 0.01 }
settled_residents_initial = 50000
emigrants_elsewhere = { start = 800000, growth_per_year = 0.03 }
programmes = [
  { programme = "technical_intern", fee_usd = 3000, initial_stock = 2000 },
  { programme = "specified_skilled_worker", fee_usd = 1000 },
  { programme = "student", fee_usd = 5000 },
]
[[talent]]
code = "interns"
pair = "HOST-HOME"
programme = "technical_intern"
initial_stock = 500
fee_usd = 5000
[[talent]]
code = "ssw"
pair = "HOST-HOME"
programme = "specified_skilled_worker"
fee_usd = 3000
[[talent]]
code = "students"
pair = "HOST-HOME"
programme = "student"
fee_usd = 4000
[[talent]]
code = "engineers"
pair = "HOST-HOME"
programme = "engineer"
fee_usd = 2000
[[events]]
pair = "HOST-HOME"
at = "2004Q2"
steps = 0.5
label = "summit"
[[shocks]]
id = "crisis"
kind = "geopolitical_crisis"
target = { pair = "HOST-HOME" }
start = "2008Q1"
duration_quarters = 6
intensity = 1.0
talent_inflow_cut = 0.3
[[shocks]]
id = "disruption"
kind = "supply_chain_disruption"
target = { country = "HOST" }
start = "2010Q1"
duration_quarters = 4
intensity = 0.5
affected_share = 0.3
talent_inflow_cut = 0.5
[[shocks]]
id = "cut"
kind = "aid_cut"
target = { donor = "AGENCY" }
start = "2006Q1"
duration_quarters = 8
intensity = 0.5
ramp_quarters = 2
[[shocks]]
id = "suspension"
kind = "aid_suspension"
target = { donor = "AGENCY", recipient = "HOST" }
start = "2012Q1"
duration_quarters = 2
[[shocks]]
id = "scandal"
kind = "scandal"
target = { pair = "HOST-HOME" }
start = "2013Q1"
intensity = 0.5
[[shocks]]
id = "fx"
kind = "exchange_rate"
target = { country = "HOME" }
start = "2015Q1"
duration_quarters = 8
intensity = 0.3
"#;

/// Everything a run reports, as bits: the series and every resilience metric.
fn fingerprint(cfg: &Config) -> Vec<u64> {
    let r = run_replication(cfg, 0).expect("invariants hold");
    let mut out: Vec<u64> = r.series.values.iter().map(|v| v.to_bits()).collect();
    for s in &r.resilience {
        let m = &s.metrics;
        out.push(m.depth.to_bits());
        out.push(m.loss_area_quarters.to_bits());
    }
    out
}

/// (key path under `parameters`, default value, minimum, maximum, is integer) of every leaf.
fn parameter_leaves() -> Vec<(String, Value, f64, f64, bool)> {
    let defaults = serde_json::to_value(Params::default()).unwrap();
    let schema = serde_json::to_value(schemars::schema_for!(Params)).unwrap();
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let mut out = Vec::new();
    for (group, fields) in defaults.as_object().unwrap() {
        // The group's properties in the schema, behind a `$ref` to its definition.
        let group_schema = &schema["properties"][group];
        let def_name = group_schema["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or_else(|| panic!("no $ref for group {group}: {group_schema}"));
        let props = &defs[def_name]["properties"];
        for (field, value) in fields.as_object().unwrap() {
            let p = &props[field];
            let min = p["minimum"].as_f64().unwrap_or(f64::NAN);
            let max = p["maximum"].as_f64().unwrap_or(f64::NAN);
            let integer = value.is_u64() || value.is_i64();
            out.push((
                format!("parameters.{group}.{field}"),
                value.clone(),
                min,
                max,
                integer,
            ));
        }
    }
    out
}

/// How far to move a parameter inside its range.
#[derive(Clone, Copy)]
enum Move {
    /// Half way towards the farther bound.
    HalfFar,
    /// Half way towards the nearer bound (for parameters bounded by another one).
    HalfNear,
    /// To the nearer bound (for caps that bind only there in a small world).
    NearBound,
}

/// A value inside [min, max] moved from the default as `how` says.
fn perturbed(default: f64, min: f64, max: f64, integer: bool, how: Move) -> f64 {
    let (lo, hi) = (
        if min.is_nan() { default - 1.0 } else { min },
        if max.is_nan() { default + 1.0 } else { max },
    );
    let far_up = hi - default >= default - lo;
    let (up, share) = match how {
        Move::HalfFar => (far_up, 0.5),
        Move::HalfNear => (!far_up, 0.5),
        Move::NearBound => (!far_up, 1.0),
    };
    let target = if up { hi } else { lo };
    let v = default + share * (target - default);
    if integer {
        let r = v.round();
        if r == default {
            if target > default {
                default + 1.0
            } else {
                default - 1.0
            }
        } else {
            r
        }
    } else {
        v
    }
}

#[test]
fn every_behavioural_parameter_changes_an_output() {
    let base_cfg = from_text("liveness.toml", EVERYTHING, &[])
        .unwrap_or_else(|e| panic!("liveness scenario invalid:\n{e}"))
        .config;
    let base = fingerprint(&base_cfg);
    let leaves = parameter_leaves();
    assert!(leaves.len() > 100, "found {} parameters", leaves.len());
    let dead: Vec<String> = leaves
        .par_iter()
        .filter_map(|(key, default, min, max, integer)| {
            let set = |how: Move| match default {
                Value::Array(xs) => {
                    // Vector parameters (dimension weights): move every element.
                    let vals: Vec<String> = xs
                        .iter()
                        .map(|x| {
                            let v = perturbed(x.as_f64().unwrap(), 0.0, 2.0, false, how);
                            format!("{v:?}")
                        })
                        .collect();
                    format!("{key}=[{}]", vals.join(", "))
                }
                _ => {
                    let v = perturbed(default.as_f64().unwrap(), *min, *max, *integer, how);
                    if *integer {
                        format!("{key}={}", v as i64)
                    } else {
                        format!("{key}={v:?}")
                    }
                }
            };
            // Live if one of the moves changes an output, tried in order; a move that breaks a
            // cross-check between parameters is skipped.
            let mut first = None;
            for how in [Move::HalfFar, Move::HalfNear, Move::NearBound] {
                let s = set(how);
                let Ok(loaded) = from_text("liveness.toml", EVERYTHING, std::slice::from_ref(&s))
                else {
                    continue;
                };
                if fingerprint(&loaded.config) != base {
                    return None;
                }
                first.get_or_insert(s);
            }
            Some(first.unwrap_or_else(|| panic!("{key}: no valid perturbation")))
        })
        .collect();
    assert!(
        dead.is_empty(),
        "{} of {} parameters change no output when perturbed inside their range:\n  {}",
        dead.len(),
        leaves.len(),
        dead.join("\n  ")
    );
}
