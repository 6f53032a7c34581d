//! Reducing one run to its metric row, and summary statistics.

use crate::model::ReplicationResult;
use crate::model::time::Quarter;

use super::spec::{Metric, MetricKind, ResilienceMetric, Stat};

/// What a run closure returns: the replication's result plus what is needed to read metrics
/// from it (the first simulated quarter and the shock ids in config order).
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub result: ReplicationResult,
    pub start: Quarter,
    pub shock_ids: Vec<String>,
}

impl RunOutput {
    /// Convenience for the CLI: wraps a result of `run_replication(cfg, r)`.
    pub fn from_config(cfg: &crate::model::Config, result: ReplicationResult) -> RunOutput {
        RunOutput {
            result,
            start: cfg.start,
            shock_ids: cfg.shocks.iter().map(|s| s.id.clone()).collect(),
        }
    }
}

fn column(out: &RunOutput, metric: &str, indicator: &str) -> Result<usize, String> {
    out.result.series.column_index(indicator).ok_or_else(|| {
        format!(
            "metric `{metric}`: indicator `{indicator}` is not a column of the run (columns: {})",
            out.result.series.columns.join(", ")
        )
    })
}

/// Value of one metric for one run; `Ok(None)` when undefined (never recovered, NaN, …).
pub fn extract(m: &Metric, out: &RunOutput) -> Result<Option<f64>, String> {
    let s = &out.result.series;
    let n = s.columns.len();
    let v = match &m.kind {
        MetricKind::At { indicator, at } => {
            let c = column(out, &m.name, indicator)?;
            let q = Quarter::parse(at)
                .ok_or_else(|| format!("metric `{}`: bad quarter `{at}`", m.name))?;
            let step = q.since(out.start);
            if step < 0 || step as usize >= s.steps {
                return Err(format!(
                    "metric `{}`: {at} is outside the simulated horizon {}–{}",
                    m.name,
                    out.start,
                    out.start.plus(s.steps as i32 - 1)
                ));
            }
            Some(s.values[step as usize * n + c])
        }
        MetricKind::Stat { indicator, stat } => {
            let c = column(out, &m.name, indicator)?;
            let col = (0..s.steps).map(|t| s.values[t * n + c]);
            if s.steps == 0 {
                None
            } else {
                Some(match stat {
                    Stat::Mean => col.sum::<f64>() / s.steps as f64,
                    Stat::Final => s.values[(s.steps - 1) * n + c],
                    Stat::Min => col.fold(f64::INFINITY, f64::min),
                    Stat::Max => col.fold(f64::NEG_INFINITY, f64::max),
                })
            }
        }
        MetricKind::Resilience {
            shock,
            indicator,
            metric,
        } => {
            let idx = out
                .shock_ids
                .iter()
                .position(|id| id == shock)
                .ok_or_else(|| {
                    format!(
                        "metric `{}`: no shock `{shock}` in the scenario (shocks: {})",
                        m.name,
                        out.shock_ids.join(", ")
                    )
                })?;
            let r = out
                .result
                .resilience
                .iter()
                .find(|r| r.shock_index == idx && r.column == *indicator)
                .ok_or_else(|| {
                    format!(
                        "metric `{}`: resilience of `{indicator}` to shock `{shock}` was not measured \
                         (the shock needs measure_resilience, a start inside the horizon, and the \
                         column must be in the scenario's resilience columns)",
                        m.name
                    )
                })?;
            let x = &r.metrics;
            match metric {
                ResilienceMetric::Depth => Some(x.depth),
                ResilienceMetric::RecoveryQuarters => x.recovery_quarters.map(|q| q as f64),
                ResilienceMetric::LossAreaQuarters => Some(x.loss_area_quarters),
                ResilienceMetric::RecoveryRatio4q => x.recovery_ratio[0],
                ResilienceMetric::RecoveryRatio8q => x.recovery_ratio[1],
                ResilienceMetric::RecoveryRatio12q => x.recovery_ratio[2],
                ResilienceMetric::BounceForward => x.bounce_forward,
            }
        }
    };
    Ok(v.filter(|x| !x.is_nan()))
}

/// Summary of the defined values of one metric at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: Option<f64>,
    /// Sample standard deviation (n − 1); undefined for fewer than two values.
    pub sd: Option<f64>,
    pub q05: Option<f64>,
    pub q50: Option<f64>,
    pub q95: Option<f64>,
}

/// Quantile with linear interpolation between order statistics (R type 7) of sorted data.
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Summarises values in the given order (sequential sums: deterministic).
pub fn summarise(values: &[Option<f64>]) -> Summary {
    let mut v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| !x.is_nan())
        .collect();
    let n = v.len();
    if n == 0 {
        return Summary {
            mean: None,
            sd: None,
            q05: None,
            q50: None,
            q95: None,
        };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let sd = (n > 1)
        .then(|| (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64).sqrt());
    v.sort_by(f64::total_cmp);
    Summary {
        mean: Some(mean),
        sd,
        q05: quantile(&v, 0.05),
        q50: quantile(&v, 0.5),
        q95: quantile(&v, 0.95),
    }
}
