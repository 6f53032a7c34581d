//! Step throughput in firm-quarters per CPU-second of one thread, at 10^4 and 10^5 firms (10^6
//! too with `KIZUNA_BENCH_1M=1`), on the benchmark world of `benches/common/world.rs`. CPU time
//! (not wall time), so that the figures hold when other jobs share the machine. Medians of
//! `KIZUNA_BENCH_REPEATS` (default 5) repetitions, one thread:
//!
//! * step only: `Simulation::step`, 8 quarters from a copy of the world after 40 quarters
//!   (affiliates, supply links and partnerships exist by then); active firms × quarters;
//! * a whole replication with indicators and invariant checks every quarter (`Simulation::run`);
//! * the same with the counterfactual of the 2012Q1 shock (`run_replication`, what `kizuna run`
//!   does per replication). Firm-quarters are counted on the shocked run only (initial firms ×
//!   quarters), so the last figure includes the cost of the counterfactual.
//!
//!   cargo bench --bench step             (about a minute at 10^4 and 10^5 firms)

#[path = "common/cpu.rs"]
mod cpu;
#[path = "common/world.rs"]
mod world;

use std::hint::black_box;

use kizuna::model::{Config, Simulation, run_replication};
use kizuna::scenario::load::from_text;

const WARM_UP_QUARTERS: u32 = 40;
const TIMED_QUARTERS: u32 = 8;

fn config(firms: u64) -> Config {
    from_text("bench.toml", &world::world_text(firms), &[])
        .expect("benchmark scenario is valid")
        .config
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut sizes = vec![10_000u64, 100_000];
    if std::env::var_os("KIZUNA_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    let repeats: usize = std::env::var("KIZUNA_BENCH_REPEATS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    // One thread, so the counterfactual's cost shows as time, not as a second core.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    println!("firm-quarters per CPU-second, 1 thread, median of {repeats}:");
    for firms in sizes {
        let cfg = config(firms);
        let mut warm = Simulation::new(&cfg, 0);
        for step in 0..WARM_UP_QUARTERS {
            warm.world.step = step;
            warm.step();
        }
        let active = warm.world.firms.active.iter().filter(|a| **a).count() as f64;
        let step_only = median(
            (0..repeats)
                .map(|_| {
                    let mut sim = Simulation {
                        cfg: &cfg,
                        world: warm.world.clone(),
                    };
                    let t = cpu::thread_cpu();
                    for step in WARM_UP_QUARTERS..WARM_UP_QUARTERS + TIMED_QUARTERS {
                        sim.world.step = step;
                        sim.step();
                    }
                    let dt = cpu::thread_cpu() - t;
                    black_box(sim);
                    dt
                })
                .collect(),
        );
        let time = |f: &dyn Fn()| {
            median(
                (0..repeats)
                    .map(|_| {
                        let t = cpu::process_cpu();
                        f();
                        cpu::process_cpu() - t
                    })
                    .collect(),
            )
        };
        let plain = time(&|| {
            black_box(Simulation::new(&cfg, 0).run().unwrap());
        });
        let with_cf = time(&|| {
            pool.install(|| black_box(run_replication(&cfg, 0).unwrap()));
        });
        let firm_quarters = firms as f64 * cfg.steps() as f64;
        println!(
            "  {firms:>9} firms: step only {:.1} M; replication with indicators + invariants {:.1} M \
             ({plain:.2} CPU-s); + counterfactual {:.1} M ({with_cf:.2} CPU-s)",
            active * TIMED_QUARTERS as f64 / step_only / 1e6,
            firm_quarters / plain / 1e6,
            firm_quarters / with_cf / 1e6
        );
    }
}
