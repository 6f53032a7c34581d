//! Peak memory per initial firm of one replication: with every counterfactual, run after the
//! shocked run (`Schedule::Parallel`, one replication on several threads) or each as soon as the
//! run reaches its shock (`Schedule::Inline`, what `kizuna run` with at least as many replications
//! as threads and sweeps do), and with none (a sweep without resilience metrics), on the default
//! scenario and on the benchmark world of `benches/common/world.rs` at 10^4 and 10^5 firms
//! (10^6 too with `KIZUNA_BENCH_1M=1`).
//!
//! Every case runs in a fresh child process (this binary again) and reads the peak resident set
//! (`VmHWM` in /proc/self/status, Linux) after the replication, minus the resident set before
//! the world was built; the difference is divided by the initial number of firms.
//!
//!   cargo bench --bench memory           (about half a minute)

#[path = "common/world.rs"]
mod world;

use kizuna::model::{Config, Counterfactuals, Schedule, run_replication_scheduled};
use std::process::Command;

const CHILD: &str = "KIZUNA_MEMORY_BENCH_CASE";

/// A field of /proc/self/status in kB.
fn status_kb(field: &str) -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn config(scenario: &str) -> Config {
    if let Some(n) = scenario.strip_prefix("bench_") {
        let firms: u64 = n.parse().unwrap();
        kizuna::scenario::load::from_text("bench.toml", &world::world_text(firms), &[])
            .expect("benchmark scenario is valid")
            .config
    } else {
        kizuna::scenario::load::load(Some(scenario), &[])
            .expect("scenario loads")
            .config
    }
}

/// In the child: runs one case and prints `firms peak_kb base_kb`.
fn child(case: &str) {
    let (scenario, which) = case.split_once(':').unwrap();
    let cfg = config(scenario);
    let firms: u64 = cfg.firm_populations.iter().map(|f| f.count as u64).sum();
    let (which, schedule) = match which {
        "parallel" => (Counterfactuals::All, Schedule::Parallel),
        "inline" => (Counterfactuals::All, Schedule::Inline),
        _ => (Counterfactuals::None, Schedule::Inline),
    };
    let base = status_kb("VmRSS:").unwrap_or(0.0);
    // One thread: counterfactuals one after the other, as on a busy sweep worker.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let result = pool.install(|| run_replication_scheduled(&cfg, 0, &which, schedule).unwrap());
    std::hint::black_box(&result);
    let peak = status_kb("VmHWM:").unwrap_or(0.0);
    println!("{firms} {peak} {base}");
}

fn main() {
    if let Ok(case) = std::env::var(CHILD) {
        child(&case);
        return;
    }
    if status_kb("VmHWM:").is_none() {
        println!("memory bench: /proc/self/status has no VmHWM here; nothing measured");
        return;
    }
    let mut scenarios = vec![
        "vietnam_japan".to_string(),
        "bench_10000".into(),
        "bench_100000".into(),
    ];
    if std::env::var_os("KIZUNA_BENCH_1M").is_some() {
        scenarios.push("bench_1000000".into());
    }
    let exe = std::env::current_exe().unwrap();
    println!("peak memory of one replication (1 thread), per initial firm:");
    for scenario in &scenarios {
        let mut cells = Vec::new();
        for which in ["parallel", "inline", "none"] {
            let out = Command::new(&exe)
                .env(CHILD, format!("{scenario}:{which}"))
                .output()
                .expect("the bench can run itself");
            let text = String::from_utf8_lossy(&out.stdout);
            let v: Vec<f64> = text
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            if !out.status.success() || v.len() != 3 {
                cells.push(format!(
                    "{which}: failed ({})",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
                continue;
            }
            let (firms, peak, base) = (v[0], v[1], v[2]);
            cells.push(format!(
                "{} {:.2} KB/firm (peak {:.0} MB)",
                match which {
                    "parallel" => "all counterfactuals after the run",
                    "inline" => "all, each at its shock",
                    _ => "no counterfactuals",
                },
                (peak - base) / firms,
                peak / 1024.0
            ));
        }
        println!("  {scenario:<14} {}", cells.join(", "));
    }
}
