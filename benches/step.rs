//! Step throughput: firm-steps per second at 10^4, 10^5 and 10^6 firms.
//!
//! A two-country world (investors at home, domestic firms in the host, a donor, talent
//! programmes) is run for 40 quarters so that affiliates, supply links and partnerships exist;
//! the benchmark then times 8 further quarters from a copy of that world. Throughput is reported
//! in firms × quarters per second (criterion's "elements"). Run with `cargo bench --bench step`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kizuna::model::Simulation;
use kizuna::scenario::load::from_text;

const WARM_UP_QUARTERS: u32 = 40;
const TIMED_QUARTERS: u32 = 8;

fn world_text(firms: u64) -> String {
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
[[talent.regimes]]
from = "2000Q1"
base_outflow_per_quarter = 2000
max_stay_quarters = 12
missing_per_quarter = 0.008
[parameters.entry]
threshold = 19.0
wage_gap_weight = 0.2
[parameters.supply]
output_capital_ratio_per_q = 0.1
"#
    )
}

fn bench_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    group.sample_size(10);
    for firms in [10_000u64, 100_000, 1_000_000] {
        let loaded =
            from_text("bench.toml", &world_text(firms), &[]).expect("benchmark scenario is valid");
        let cfg = loaded.config;
        let mut warm = Simulation::new(&cfg, 0);
        for step in 0..WARM_UP_QUARTERS {
            warm.world.step = step;
            warm.step();
        }
        let active = warm.world.firms.active.iter().filter(|a| **a).count() as u64;
        group.throughput(Throughput::Elements(active * TIMED_QUARTERS as u64));
        group.bench_function(format!("{firms}_firms"), |b| {
            b.iter_batched(
                || Simulation {
                    cfg: &cfg,
                    world: warm.world.clone(),
                },
                |mut sim| {
                    for step in WARM_UP_QUARTERS..WARM_UP_QUARTERS + TIMED_QUARTERS {
                        sim.world.step = step;
                        sim.step();
                    }
                    sim
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench_steps);
criterion_main!(benches);
