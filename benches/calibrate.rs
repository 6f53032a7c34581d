//! Calibration throughput on the real model: model runs per second (wall clock) and CPU seconds
//! per model run during an ABC-SMC calibration of the default scenario (`vietnam_japan`, two
//! free parameters, trade and FDI-stock targets, 12 particles × 2 generations), at 1 and 2
//! threads. A model run is one scenario replication of one evaluation; the engine's own cost
//! (proposals, weights, journal, final files) is included.
//!
//!   cargo bench --bench calibrate        (about a minute on 2 idle cores)

#[path = "common/cpu.rs"]
mod cpu;

use std::time::Instant;

use kizuna::calibrate::{Objective, Options, parse_calibration, run_calibration};
use kizuna::journal::Progress;

const TEXT: &str = r#"
name = "bench_calibrate"
seed = 1
[windows]
train = [1995, 2010]
holdout = [2011, 2015]
[algorithm]
kind = "abc-smc"
particles = 12
generations = 2
[[scenarios]]
id = "vj"
file = "vietnam_japan"
[[parameters]]
key = "parameters.entry.threshold"
min = 20.5
max = 22.0
[[parameters]]
key = "parameters.trade.gravity_constant_usd_per_q"
min = 2.0e9
max = 2.0e10
scale = "log"
[[targets]]
scenario = "vj"
series = "trade_total_vnm_jpn"
scope = "VNM-JPN"
[[targets]]
scenario = "vj"
series = "fdi_jpn_cumulative_registered_capital_snapshot"
scope = "VNM-JPN"
"#;

fn main() {
    let spec = parse_calibration(TEXT, "bench_calibrate.toml").unwrap();
    let objective = Objective::prepare(spec, std::path::Path::new("bench_calibrate.toml")).unwrap();
    let mut rates = Vec::new();
    for threads in [1usize, 2] {
        let dir = tempfile::tempdir().unwrap();
        let cpu0 = cpu::process_cpu();
        let t0 = Instant::now();
        let out = run_calibration(
            &objective,
            &dir.path().join("out"),
            &Options {
                threads,
                resume: false,
                progress: Progress::Quiet,
                plots: false,
            },
        )
        .unwrap();
        let wall = t0.elapsed().as_secs_f64();
        let cpu = cpu::process_cpu() - cpu0;
        // Runs made: the evaluations run now plus the base evaluation, × scenarios × replications.
        let runs = (out.evaluations_run + 1)
            * objective.scenarios.len() as u64
            * objective.spec.replications as u64;
        rates.push(runs as f64 / wall);
        println!(
            "calibrate vietnam_japan, {threads} thread(s): {runs} model runs in {wall:.1} s = {:.2} runs/s, {:.3} CPU-s per run",
            runs as f64 / wall,
            cpu / runs as f64
        );
    }
    println!(
        "parallel efficiency at 2 threads: {:.2}",
        rates[1] / (2.0 * rates[0])
    );
}
