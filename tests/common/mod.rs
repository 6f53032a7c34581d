//! Shared helpers for model-level tests: a small two-country world written as a scenario.
#![allow(dead_code)]

use kizuna::model::{Config, Series};
use kizuna::scenario::load::from_text;

/// A Japan–Vietnam-like world without data files: `extra` is appended to the TOML (shocks,
/// programmes, parameter tables) and `sets` are `--set` overrides.
pub fn small_world(extra: &str, sets: &[&str]) -> Config {
    let text = format!("{BASE}\n{extra}");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match from_text("test.toml", &text, &sets) {
        Ok(s) => s.config,
        Err(e) => panic!("test scenario invalid:\n{e}"),
    }
}

pub const BASE: &str = r#"
name = "test"
[horizon]
start = "2000Q1"
end = "2019Q4"
[run]
seed = 7
[[countries]]
code = "HOST"
culture = { pdi = 70, idv = 20, mas = 40, uai = 30, lto = 57, ivr = 35 }
gdp = { start_usd_per_year = 50.0e9, growth_per_year = 0.06 }
population = { start = 80.0e6, growth_per_year = 0.01 }
capacity_initial = 0.3
capacity_floor = 0.3
[[countries]]
code = "HOME"
culture = { pdi = 54, idv = 46, mas = 95, uai = 92, lto = 88, ivr = 42 }
gdp = { start_usd_per_year = 4.5e12, growth_per_year = 0.01 }
population = { start = 125.0e6 }
working_age_population = { start = 80.0e6, growth_per_year = -0.005 }
capacity_initial = 0.9
capacity_floor = 0.9
[[pairs]]
code = "HOST-HOME"
partner = "HOST"
donor = "HOME"
distance_km = 3600
gov_trust_initial = 0.5
[[firms]]
code = "investors"
country = "HOME"
kind = "investor"
count = 600
ln_productivity_mean = 0.9
human_capital_mean = 0.8
capital_usd_median = 2.0e8
[[firms]]
code = "locals"
country = "HOST"
kind = "domestic"
count = 1500
capital_usd_median = 8.0e6
[output]
resilience_indicators = ["active_partnerships.HOST-HOME", "mean_partnership_trust.HOST-HOME", "firm_output_usd_per_q.HOST", "affiliate_output_usd_per_q.HOST-HOME"]
[parameters.entry]
threshold = 19.0
wage_gap_weight = 0.2
scan_rate_per_q = 0.05
[parameters.supply]
output_capital_ratio_per_q = 0.1
"#;

/// Values of one column of a series.
pub fn column(series: &Series, name: &str) -> Vec<f64> {
    let i = series
        .column_index(name)
        .unwrap_or_else(|| panic!("no column {name}"));
    series.column(i)
}
