//! The benchmark world shared by the `step` and `memory` benches: two countries (investors at
//! home, domestic firms in the host), a donor, a talent programme and one supply-chain shock in
//! 2012Q1 (after the quarters the step bench times, so that its counterfactual is measured), over
//! 2000Q1–2019Q4 (80 quarters). A quarter of the firms are investors.

pub fn world_text(firms: u64) -> String {
    let investors = firms / 4;
    let domestic = firms - investors;
    format!(
        r#"
name = "bench"
[horizon]
start = "2000Q1"
end = "2019Q4"
[[countries]]
code = "HOST"
culture = {{ pdi = 70, idv = 20, mas = 40, uai = 30, lto = 57, ivr = 35 }}
gdp = {{ start_usd_per_year = 50.0e9, growth_per_year = 0.06 }}
population = {{ start = 80.0e6, growth_per_year = 0.01 }}
capacity_initial = 0.3
capacity_floor = 0.3
[[countries]]
code = "HOME"
culture = {{ pdi = 54, idv = 46, mas = 95, uai = 92, lto = 88, ivr = 42 }}
gdp = {{ start_usd_per_year = 4.5e12, growth_per_year = 0.01 }}
population = {{ start = 125.0e6 }}
working_age_population = {{ start = 80.0e6, growth_per_year = -0.005 }}
[[pairs]]
code = "HOST-HOME"
partner = "HOST"
donor = "HOME"
distance_km = 3600
[[donors]]
code = "AGENCY"
home = "HOME"
budget_usd_per_year = 10.0e9
other_recipients_weight = 20.0
loan_share = 0.8
[[donors.recipients]]
country = "HOST"
[[firms]]
code = "investors"
country = "HOME"
kind = "investor"
count = {investors}
ln_productivity_mean = 0.9
capital_usd_median = 2.0e8
[[firms]]
code = "locals"
country = "HOST"
kind = "domestic"
count = {domestic}
capital_usd_median = 8.0e6
[[talent]]
code = "interns"
pair = "HOST-HOME"
programme = "technical_intern"
[[talent_rules]]
destination = "HOME"
programme = "technical_intern"
[[talent_rules.regimes]]
from = "2000Q1"
name = "interns, 3 years"
max_stay_quarters = 12
[[shocks]]
id = "disruption"
kind = "supply_chain_disruption"
target = {{ country = "HOST" }}
start = "2012Q1"
duration_quarters = 4
intensity = 0.4
affected_share = 0.3
[parameters.entry]
threshold = 19.0
wage_gap_weight = 0.2
[parameters.supply]
output_capital_ratio_per_q = 0.1
"#
    )
}
