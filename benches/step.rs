//! Step throughput in firm-quarters per second, at 10^4 and 10^5 firms (10^6 too with
//! `KIZUNA_BENCH_1M=1`), on the benchmark world of `benches/common/world.rs`.
//!
//! * `step/<n>_firms` (criterion): `Simulation::step` alone, 8 quarters from a copy of the world
//!   after 40 quarters (affiliates, supply links and partnerships exist by then).
//! * then a plain summary, median of `KIZUNA_BENCH_REPEATS` (default 3) single-threaded runs:
//!   a whole replication with indicators and invariant checks every quarter
//!   (`Simulation::run`), and the same with the counterfactual of the 2012Q1 shock
//!   (`run_replication`, what `kizuna run` does per replication). Firm-quarters are counted on
//!   the shocked run only (initial firms × quarters), so the second figure includes the cost of the counterfactual.
//!
//!   cargo bench --bench step             (about a minute at 10^4 and 10^5 firms)

#[path = "common/world.rs"]
mod world;

use std::time::Instant;

use criterion::{BatchSize, Criterion, Throughput};
use kizuna::model::{Config, Simulation, run_replication};
use kizuna::scenario::load::from_text;

const WARM_UP_QUARTERS: u32 = 40;
const TIMED_QUARTERS: u32 = 8;

fn sizes() -> Vec<u64> {
    let mut s = vec![10_000u64, 100_000];
    if std::env::var_os("KIZUNA_BENCH_1M").is_some() {
        s.push(1_000_000);
    }
    s
}

fn config(firms: u64) -> Config {
    from_text("bench.toml", &world::world_text(firms), &[])
        .expect("benchmark scenario is valid")
        .config
}

fn bench_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    group.sample_size(10);
    for firms in sizes() {
        let cfg = config(firms);
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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(std::time::Duration::from_secs(4))
        .warm_up_time(std::time::Duration::from_secs(1))
        .configure_from_args();
    bench_steps(&mut c);
    c.final_summary();

    let repeats: usize = std::env::var("KIZUNA_BENCH_REPEATS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    // One thread, so the counterfactual's cost shows as time, not as a second core.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    println!(
        "whole replications, 1 thread, median of {repeats} (initial firms × quarters of the shocked run):"
    );
    for firms in sizes() {
        let cfg = config(firms);
        let firm_quarters = firms as f64 * cfg.steps() as f64;
        let time = |f: &dyn Fn()| {
            median(
                (0..repeats)
                    .map(|_| {
                        let t = Instant::now();
                        f();
                        t.elapsed().as_secs_f64()
                    })
                    .collect(),
            )
        };
        let plain = time(&|| {
            std::hint::black_box(Simulation::new(&cfg, 0).run().unwrap());
        });
        let with_cf = time(&|| {
            pool.install(|| std::hint::black_box(run_replication(&cfg, 0).unwrap()));
        });
        println!(
            "  {firms:>9} firms: run with indicators + invariants {:.1} M firm-quarters/s ({plain:.2} s); \
             + counterfactual {:.1} M firm-quarters/s ({with_cf:.2} s)",
            firm_quarters / plain / 1e6,
            firm_quarters / with_cf / 1e6
        );
    }
}
