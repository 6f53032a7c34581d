//! `kizuna compare`: two or more scenarios run on common random numbers, and the paired
//! difference of every metric to the first scenario (the baseline).
//!
//! Every arm runs replications `0..R` with the same master seed, and the model keys every
//! random number by (master seed, replication, entity, purpose, step): replication `r` of every
//! arm draws the same numbers, so `b[r] − a[r]` removes most of the noise. For each compared
//! scenario and metric, `compare.csv` holds the mean paired difference, its 95 % paired-t and
//! percentile-bootstrap intervals, and how many replications are undefined in either arm
//! (differences use only replications where both are defined). Formats in `docs/OUTPUTS.md`.

use crate::model::time::Quarter;
use crate::model::{Config, ReplicationResult};
use crate::stats::{self, Paired};
use std::fmt::Write as _;

/// The resilience metrics compared, in the order of `resilience.csv`.
pub const RESILIENCE_METRICS: [&str; 7] = [
    "depth",
    "recovery_quarters",
    "loss_area_quarters",
    "recovery_ratio_4q",
    "recovery_ratio_8q",
    "recovery_ratio_12q",
    "bounce_forward",
];

/// Pair indicators compared by default (for the baseline's first pair).
pub const DEFAULT_PAIR_INDICATORS: [&str; 7] = [
    "fdi_stock_usd",
    "trade_usd_per_q",
    "residents_persons",
    "active_partnerships",
    "pair_trust",
    "mean_partnership_trust",
    "mean_friction",
];

/// Columns of `compare.csv`.
pub const HEADER: &str = "scenario,baseline,metric,kind,shock_id,indicator,statistic,replications,n_defined,n_undefined_a,n_undefined_b,mean_a,mean_b,diff_mean,diff_sd,t_lo,t_hi,boot_lo,boot_hi";

/// One scenario of a comparison and its replications (in replication order).
pub struct Arm<'a> {
    pub name: String,
    pub config: &'a Config,
    pub results: &'a [ReplicationResult],
}

/// What a metric reads from a replication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricKind {
    /// Value in the last quarter of the horizon.
    Final,
    /// Value in a given quarter.
    At(Quarter),
    /// A resilience metric (one of [`RESILIENCE_METRICS`]) of a shock.
    Resilience { shock_id: String, metric: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricId {
    pub kind: MetricKind,
    /// Time-series column, e.g. `fdi_stock_usd.VNM-JPN`.
    pub indicator: String,
}

impl MetricId {
    /// The name used in `compare.csv`: as in `summary.csv` (`final.<column>`,
    /// `<shock>.<column>.<metric>`), or `<quarter>.<column>` for a level at a date.
    pub fn name(&self) -> String {
        match &self.kind {
            MetricKind::Final => format!("final.{}", self.indicator),
            MetricKind::At(q) => format!("{q}.{}", self.indicator),
            MetricKind::Resilience { shock_id, metric } => {
                format!("{shock_id}.{}.{metric}", self.indicator)
            }
        }
    }
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            MetricKind::Final => "final",
            MetricKind::At(_) => "at",
            MetricKind::Resilience { .. } => "resilience",
        }
    }
    pub fn shock_id(&self) -> &str {
        match &self.kind {
            MetricKind::Resilience { shock_id, .. } => shock_id,
            _ => "",
        }
    }
    pub fn statistic(&self) -> String {
        match &self.kind {
            MetricKind::Final => "final".into(),
            MetricKind::At(q) => q.to_string(),
            MetricKind::Resilience { metric, .. } => metric.clone(),
        }
    }
}

/// The value of `m` in one replication; `None` when undefined (never recovered, no loss, NaN)
/// or not measured in this replication.
pub fn value(cfg: &Config, r: &ReplicationResult, m: &MetricId) -> Option<f64> {
    let s = &r.series;
    let v = match &m.kind {
        MetricKind::Final => {
            let c = s.column_index(&m.indicator)?;
            (s.steps > 0).then(|| s.row(s.steps - 1)[c])
        }
        MetricKind::At(q) => {
            let c = s.column_index(&m.indicator)?;
            let step = q.since(cfg.start);
            (step >= 0 && (step as usize) < s.steps).then(|| s.row(step as usize)[c])
        }
        MetricKind::Resilience { shock_id, metric } => {
            let sr = r.resilience.iter().find(|sr| {
                sr.column == m.indicator && cfg.shocks[sr.shock_index].id == *shock_id
            })?;
            let x = &sr.metrics;
            match metric.as_str() {
                "depth" => Some(x.depth),
                "recovery_quarters" => x.recovery_quarters.map(f64::from),
                "loss_area_quarters" => Some(x.loss_area_quarters),
                "recovery_ratio_4q" => x.recovery_ratio[0],
                "recovery_ratio_8q" => x.recovery_ratio[1],
                "recovery_ratio_12q" => x.recovery_ratio[2],
                "bounce_forward" => x.bounce_forward,
                _ => None,
            }
        }
    };
    v.filter(|x| !x.is_nan())
}

/// The metric's value in every replication of an arm.
pub fn values(arm: &Arm, m: &MetricId) -> Vec<Option<f64>> {
    arm.results
        .iter()
        .map(|r| value(arm.config, r, m))
        .collect()
}

/// Default indicators: [`DEFAULT_PAIR_INDICATORS`] for the first pair of `cfg`.
pub fn default_indicators(cfg: &Config) -> Vec<String> {
    cfg.pairs
        .first()
        .map(|p| {
            DEFAULT_PAIR_INDICATORS
                .iter()
                .map(|n| crate::indicators::column_name(n, &p.label))
                .collect()
        })
        .unwrap_or_default()
}

/// (shock id, column) measured in an arm, in the order of its first replication.
fn resilience_keys(arm: &Arm) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    for r in arm.results {
        for sr in &r.resilience {
            let k = (
                arm.config.shocks[sr.shock_index].id.clone(),
                sr.column.clone(),
            );
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// The metrics compared between `a` and `b`: final level and levels at `at` of each of
/// `indicators` that is a column of both arms, then every resilience metric of every
/// (shock, column) measured in both arms (matched by shock id).
pub fn metrics_for(a: &Arm, b: &Arm, indicators: &[String], at: &[Quarter]) -> Vec<MetricId> {
    let has = |arm: &Arm, c: &str| {
        arm.results
            .first()
            .is_some_and(|r| r.series.column_index(c).is_some())
    };
    let mut out = Vec::new();
    for c in indicators {
        if !(has(a, c) && has(b, c)) {
            continue;
        }
        out.push(MetricId {
            kind: MetricKind::Final,
            indicator: c.clone(),
        });
        for q in at {
            out.push(MetricId {
                kind: MetricKind::At(*q),
                indicator: c.clone(),
            });
        }
    }
    let kb = resilience_keys(b);
    for (shock, column) in resilience_keys(a) {
        if !kb.contains(&(shock.clone(), column.clone())) {
            continue;
        }
        for metric in RESILIENCE_METRICS {
            out.push(MetricId {
                kind: MetricKind::Resilience {
                    shock_id: shock.clone(),
                    metric: metric.into(),
                },
                indicator: column.clone(),
            });
        }
    }
    out
}

/// One row of `compare.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub scenario: String,
    pub baseline: String,
    pub metric: MetricId,
    pub replications: usize,
    pub paired: Paired,
}

/// Paired differences of every arm after the first against the first. `seed` keys the
/// bootstrap (each row also by its scenario and metric name, so rows are independent of each
/// other).
pub fn compare(arms: &[Arm], indicators: &[String], at: &[Quarter], seed: u64) -> Vec<Row> {
    let Some((base, rest)) = arms.split_first() else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for arm in rest {
        for m in metrics_for(base, arm, indicators, at) {
            let a = values(base, &m);
            let b = values(arm, &m);
            let key = stats::name_hash(&format!("{}\u{0}{}", arm.name, m.name()));
            rows.push(Row {
                scenario: arm.name.clone(),
                baseline: base.name.clone(),
                replications: a.len(),
                paired: stats::paired(&a, &b, stats::BOOTSTRAP_RESAMPLES, seed ^ key),
                metric: m,
            });
        }
    }
    rows
}

fn cell(v: Option<f64>) -> String {
    crate::numfmt::opt_float(v)
}

/// `compare.csv` (header [`HEADER`]).
pub fn compare_csv(rows: &[Row]) -> String {
    let mut s = String::from(HEADER);
    s.push('\n');
    for r in rows {
        let p = &r.paired;
        let _ = write!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{}",
            r.scenario,
            r.baseline,
            r.metric.name(),
            r.metric.kind_label(),
            r.metric.shock_id(),
            r.metric.indicator,
            r.metric.statistic(),
            r.replications,
            p.n_defined,
            p.n_undefined_a,
            p.n_undefined_b
        );
        for v in [
            p.mean_a,
            p.mean_b,
            p.diff_mean,
            p.diff_sd,
            p.t_lo,
            p.t_hi,
            p.boot_lo,
            p.boot_hi,
        ] {
            s.push(',');
            s.push_str(&cell(v));
        }
        s.push('\n');
    }
    s
}

/// A number with about 4 significant digits, for the console.
fn short(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(x) if x == 0.0 => "0".into(),
        Some(x) if x.abs() >= 1e6 || x.abs() < 1e-3 => format!("{x:.3e}"),
        Some(x) => {
            let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
            format!("{x:.digits$}")
        }
    }
}

/// The console table: one line per row, with the paired-t interval and whether it excludes 0.
pub fn console_table(rows: &[Row]) -> String {
    let mut lines: Vec<[String; 7]> = vec![[
        "metric".into(),
        "scenario".into(),
        "baseline mean".into(),
        "difference".into(),
        "95 % interval (t)".into(),
        "n".into(),
        "undefined a/b".into(),
    ]];
    for r in rows {
        let p = &r.paired;
        let sig = match (p.t_lo, p.t_hi) {
            (Some(lo), Some(hi)) if lo > 0.0 || hi < 0.0 => " *",
            _ => "",
        };
        lines.push([
            r.metric.name(),
            r.scenario.clone(),
            short(p.mean_a),
            short(p.diff_mean),
            format!("[{}, {}]{sig}", short(p.t_lo), short(p.t_hi)),
            p.n_defined.to_string(),
            format!("{}/{}", p.n_undefined_a, p.n_undefined_b),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for l in &lines {
        let mut line = String::new();
        for (c, cell) in l.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c >= 2 {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
            line.push_str("  ");
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s.push_str(
        "difference = scenario − baseline, paired by replication; * = the interval excludes 0\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_follow_summary_csv() {
        let m = MetricId {
            kind: MetricKind::Resilience {
                shock_id: "crisis".into(),
                metric: "depth".into(),
            },
            indicator: "fdi_stock_usd.VNM-JPN".into(),
        };
        assert_eq!(m.name(), "crisis.fdi_stock_usd.VNM-JPN.depth");
        assert_eq!(m.kind_label(), "resilience");
        let m = MetricId {
            kind: MetricKind::At(Quarter::new(2030, 4)),
            indicator: "x.A".into(),
        };
        assert_eq!(m.name(), "2030Q4.x.A");
        assert_eq!(m.statistic(), "2030Q4");
    }

    #[test]
    fn console_numbers_are_short() {
        assert_eq!(short(Some(1234.5678)), "1235");
        assert_eq!(short(Some(0.123456)), "0.1235");
        assert_eq!(short(Some(2.5e9)), "2.500e9");
        assert_eq!(short(None), "–");
    }
}
