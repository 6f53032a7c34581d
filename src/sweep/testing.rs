//! Fake run and lookup closures for tests and benchmarks (no scenario needed). Not part of the
//! stable API.

use crate::model::resilience::Resilience;
use crate::model::time::Quarter;
use crate::model::{ReplicationResult, Series, ShockResilience};

use super::metrics::RunOutput;

/// Columns of the fake series.
pub const FAKE_COLUMNS: [&str; 2] = ["fdi_stock_usd.VNM-JPN", "trust.VNM-JPN"];
/// First quarter of the fake series (24 quarters: 2025Q1–2030Q4).
pub const FAKE_START: &str = "2025Q1";

fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A synthetic replication whose values depend deterministically on the overrides, the seed and
/// the replication. `work` adds that many rounds of busy work (for benchmarks).
pub fn fake_run(
    overrides: &[(String, toml::Value)],
    replication: u32,
    seed: u64,
    work: u64,
) -> RunOutput {
    let mut x = 0.0;
    let mut h = 0u64;
    for (k, v) in overrides {
        for b in k.bytes() {
            h = mix(h ^ b as u64);
        }
        match v {
            toml::Value::Float(f) => x += f,
            toml::Value::Integer(i) => x += *i as f64,
            toml::Value::Boolean(b) => x += *b as u8 as f64,
            toml::Value::String(s) => x += s.len() as f64,
            _ => {}
        }
    }
    // Busy work the optimiser cannot remove (black_box on every round).
    let mut acc = std::hint::black_box(mix(seed ^ h));
    for _ in 0..work {
        acc = std::hint::black_box(mix(acc));
    }
    let u = (mix(seed ^ replication as u64) >> 11) as f64 / 9_007_199_254_740_992.0;
    let steps = 24;
    let mut values = Vec::with_capacity(steps * 2);
    for t in 0..steps {
        values.push(100.0 + 10.0 * x + t as f64 * (1.0 + u));
        values.push(x * u + t as f64 * 0.01 * replication as f64);
    }
    let series = Series {
        columns: FAKE_COLUMNS.iter().map(|c| c.to_string()).collect(),
        steps,
        values,
    };
    let metrics = Resilience {
        depth: 0.1 * u + 0.01 * x,
        recovery_quarters: (u >= 0.3).then_some((u * 10.0) as u32),
        loss_area_quarters: u * x,
        recovery_ratio: [Some(u), None, Some(0.5 * u)],
        bounce_forward: (u >= 0.3).then_some(1.0 + u / 10.0),
    };
    let resilience = vec![ShockResilience {
        shock_index: 0,
        column: FAKE_COLUMNS[0].to_string(),
        start_step: 8,
        metrics,
        shocked: vec![],
        counterfactual: vec![],
    }];
    RunOutput {
        result: ReplicationResult {
            replication,
            series,
            resilience,
        },
        start: Quarter::parse(FAKE_START).expect("valid quarter"),
        shock_ids: vec!["crisis".to_string()],
    }
}

/// Fake base scenario lookup: keys under `parameters.` are floats (0.5), keys ending in `.count`
/// or `.dose` are integers, `policy.mode` is a string, `policy.enabled` a bool, `seed` is 42;
/// anything else does not exist.
pub fn fake_lookup(key: &str) -> Result<toml::Value, String> {
    if key == "seed" {
        return Ok(toml::Value::Integer(42));
    }
    if key == "policy.mode" {
        return Ok(toml::Value::String("baseline".into()));
    }
    if key == "policy.enabled" {
        return Ok(toml::Value::Boolean(true));
    }
    if key.ends_with(".count") || key.ends_with(".dose") || key.ends_with("].dose") {
        return Ok(toml::Value::Integer(3));
    }
    if key.starts_with("parameters.") {
        return Ok(toml::Value::Float(0.5));
    }
    Err(format!(
        "no such key in the base scenario (did you mean `parameters.{key}`?)"
    ))
}
