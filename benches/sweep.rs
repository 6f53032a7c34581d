//! Sweep throughput on the real model, as users run it: sweeps of the default scenario
//! (`vietnam_japan`, 2 points × 4 replications = 8 runs) through `run_sweep` and
//! `sweep::ScenarioRun` (scenario document + overrides, validation, one replication, metric
//! extraction, journal, final files), at 1 and 2 threads, with
//!
//! * no resilience metric (no counterfactual is run),
//! * one resilience metric (only the counterfactual of `covid19` is run),
//! * one resilience metric with every counterfactual run (what every sweep did before sweeps
//!   ran only the counterfactuals their metrics read).
//!
//! Each line is the median of `KIZUNA_BENCH_REPEATS` sweeps (default 3): runs per second (wall
//! clock), CPU seconds per run (CPU time of the process ÷ runs; robust when other jobs load the machine) and the parallel efficiency
//! (runs/s at 2 threads ÷ (2 × runs/s at 1 thread)). A last line gives the engine overhead with
//! a synthetic run that does no work.
//!
//!   cargo bench --bench sweep            (about a minute on 2 idle cores)

#[path = "common/cpu.rs"]
mod cpu;

use std::hint::black_box;
use std::time::Instant;

use kizuna::scenario::load::resolve_scenario;
use kizuna::sweep::testing::{fake_lookup, fake_run};
use kizuna::sweep::{
    Progress, RunFn, RunOptions, RunOutput, ScenarioRun, SweepSpec, parse_sweep, run_sweep,
};

const REAL_RUNS: u64 = 8;
const FAKE_RUNS: u64 = 96;

fn real_spec(resilience_metric: bool) -> SweepSpec {
    let mut text = String::from(
        "name='bench_real'\nbase='vietnam_japan'\nreplications=4\ndesign='grid'\n\
         [[parameters]]\nkey='parameters.trust.negativity_weight'\nvalues=[1.5, 2.5]\n\
         [[metrics]]\nname='fdi_2030'\nindicator='fdi_stock_usd.VNM-JPN'\nat='2030Q4'\n\
         [[metrics]]\nname='trust_mean'\nindicator='pair_trust.VNM-JPN'\nstat='mean'\n",
    );
    if resilience_metric {
        text.push_str(
            "[[metrics]]\nname='covid_depth'\n\
             resilience={shock='covid19',indicator='fdi_stock_usd.VNM-JPN',metric='depth'}\n",
        );
    }
    let mut s = parse_sweep(&text, "bench_real.toml", &[]).unwrap();
    s.seed = Some(1);
    s
}

fn fake_spec() -> SweepSpec {
    let text = format!(
        "name='bench'\nbase='b.toml'\nreplications=4\nseed=1\ndesign='lhs'\nsamples={}\n\
         [[parameters]]\nkey='parameters.a'\nmin=0\nmax=1\n\
         [[metrics]]\nname='fdi'\nindicator='fdi_stock_usd.VNM-JPN'\nat='2030Q4'\n\
         [[metrics]]\nname='rec'\nresilience={{shock='crisis',indicator='fdi_stock_usd.VNM-JPN',metric='recovery_quarters'}}\n",
        FAKE_RUNS / 4
    );
    let mut s = parse_sweep(&text, "bench", &[]).unwrap();
    s.check_against_base(&fake_lookup).unwrap();
    s
}

fn cpu_seconds() -> f64 {
    cpu::process_cpu()
}

fn options(threads: usize) -> RunOptions {
    RunOptions {
        threads,
        shard: None,
        resume: false,
        progress: Progress::Quiet,
        formats: Default::default(),
    }
}

/// (wall seconds, CPU seconds) of one sweep.
fn time_sweep(spec: &SweepSpec, run: &RunFn<'_>, threads: usize) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let (t, c) = (Instant::now(), cpu_seconds());
    black_box(run_sweep(spec, "bench", run, dir.path(), &options(threads)).unwrap());
    (t.elapsed().as_secs_f64(), cpu_seconds() - c)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn main() {
    let repeats: usize = std::env::var("KIZUNA_BENCH_REPEATS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let base = resolve_scenario(Some("vietnam_japan")).expect("the default scenario resolves");
    println!(
        "real-model sweeps of the default scenario ({REAL_RUNS} runs each, median of {repeats}):"
    );
    let cases = [
        ("no resilience metric", false, false),
        ("1 resilience metric (covid19 only)", true, false),
        ("1 resilience metric, all counterfactuals", true, true),
    ];
    for (label, resilience, all) in cases {
        let spec = real_spec(resilience);
        let scenario_run = if all {
            ScenarioRun::with_all_counterfactuals(base.clone())
        } else {
            ScenarioRun::for_sweep(base.clone(), &spec)
        };
        let run = |o: &[(String, toml::Value)], r: u32, s: u64| scenario_run.run(o, r, s);
        let mut rate = [0.0; 2];
        let mut cpu = [0.0; 2];
        for (k, threads) in [1usize, 2].into_iter().enumerate() {
            let times: Vec<(f64, f64)> = (0..repeats)
                .map(|_| time_sweep(&spec, &run, threads))
                .collect();
            rate[k] = REAL_RUNS as f64 / median(times.iter().map(|t| t.0).collect());
            cpu[k] = median(times.iter().map(|t| t.1).collect()) / REAL_RUNS as f64;
        }
        println!(
            "  {label:<42} 1 thread {:.2} runs/s ({:.2} CPU-s/run), 2 threads {:.2} runs/s \
             ({:.2} CPU-s/run), parallel efficiency {:.0} %",
            rate[0],
            cpu[0],
            rate[1],
            cpu[1],
            50.0 * rate[1] / rate[0]
        );
    }

    // Engine overhead: the same machinery with a synthetic run that does no work.
    let spec = fake_spec();
    let fake = |o: &[(String, toml::Value)], r: u32, s: u64| -> Result<RunOutput, String> {
        Ok(fake_run(o, r, s, 0))
    };
    let best = (0..5)
        .map(|_| time_sweep(&spec, &fake, 1).0)
        .fold(f64::INFINITY, f64::min);
    println!(
        "engine overhead (synthetic runs with no work, 1 thread, best of 5): {:.0} runs/s = {:.1} µs \
         per run incl. temp dir, journal, final files",
        FAKE_RUNS as f64 / best,
        1e6 * best / FAKE_RUNS as f64
    );
}
