//! Sweep throughput (runs/second) at 1 and 2 threads with a fake run of ~1 ms of fixed,
//! deterministic work, so parallel efficiency can be read off (runs/s at 2 threads ÷ 2 × runs/s
//! at 1 thread). Journal appends, metric extraction and the final files are included.
//!
//!   cargo bench --bench sweep            (criterion, then a plain efficiency summary)

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use kizuna::sweep::testing::{fake_lookup, fake_run};
use kizuna::sweep::{Progress, RunOptions, RunOutput, SweepSpec, parse_sweep, run_sweep};

const RUNS: u64 = 96;

fn spec() -> SweepSpec {
    let text = format!(
        "name='bench'\nbase='b.toml'\nreplications=4\nseed=1\ndesign='lhs'\nsamples={}\n\
         [[parameters]]\nkey='parameters.a'\nmin=0\nmax=1\n\
         [[parameters]]\nkey='parameters.b'\nmin=1\nmax=100\nscale='log'\n\
         [[metrics]]\nname='fdi'\nindicator='fdi_stock_usd.VNM-JPN'\nat='2030Q4'\n\
         [[metrics]]\nname='trust'\nindicator='trust.VNM-JPN'\nstat='mean'\n\
         [[metrics]]\nname='rec'\nresilience={{shock='crisis',indicator='fdi_stock_usd.VNM-JPN',metric='recovery_quarters'}}\n",
        RUNS / 4
    );
    let mut s = parse_sweep(&text, "bench", &[]).unwrap();
    s.check_against_base(&fake_lookup).unwrap();
    s
}

/// Iterations of the fake model's busy loop that take about 1 ms here (fastest of five timings,
/// so a busy shared machine does not inflate the work).
fn calibrate() -> u64 {
    let work = 200_000u64;
    let best = (0..5)
        .map(|_| {
            let t = Instant::now();
            black_box(fake_run(&[], 0, 1, work));
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    ((work as f64 * 1e-3 / best) as u64).max(1)
}

fn one_sweep(spec: &SweepSpec, work: u64, threads: usize) {
    let dir = tempfile::tempdir().unwrap();
    let run = move |o: &[(String, toml::Value)], r: u32, s: u64| -> Result<RunOutput, String> {
        Ok(fake_run(o, r, s, work))
    };
    let opts = RunOptions {
        threads,
        shard: None,
        resume: false,
        progress: Progress::Quiet,
    };
    black_box(run_sweep(spec, "bench", &run, dir.path(), &opts).unwrap());
}

fn main() {
    let spec = spec();
    let work = calibrate();
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    {
        let mut g = c.benchmark_group("sweep_1ms_runs");
        g.throughput(Throughput::Elements(RUNS));
        for threads in [1usize, 2] {
            g.bench_function(format!("threads_{threads}"), |b| {
                b.iter(|| one_sweep(&spec, work, threads))
            });
        }
        g.finish();
    }
    c.final_summary();

    // Plain summary for reports: best of 5 sweeps per thread count.
    let rate_with = |threads: usize, work: u64| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                one_sweep(&spec, work, threads);
                RUNS as f64 / t.elapsed().as_secs_f64()
            })
            .fold(0.0, f64::max)
    };
    let r1 = rate_with(1, work);
    let r2 = rate_with(2, work);
    let r0 = rate_with(1, 0);
    println!(
        "sweep throughput ({RUNS} runs of ~1 ms): 1 thread {r1:.0} runs/s, 2 threads {r2:.0} runs/s, \
         speed-up {:.2}, parallel efficiency {:.0} %",
        r2 / r1,
        50.0 * r2 / r1
    );
    println!(
        "engine overhead (runs with no work, 1 thread): {r0:.0} runs/s = {:.1} µs per run incl. \
         temp dir, journal, final files",
        1e6 / r0
    );
}
