//! Observed data in the `shared/data` CSV format and how it maps onto indicators, for the fit
//! report and the data points on plots.
//!
//! The mapping (`MAPPINGS`) names, for each data series, the indicator it measures, the factor that
//! turns the data unit into the indicator unit, and how a calendar-year figure is formed from
//! quarters (sum of a flow, value at a quarter for a stock, mean of a ratio). A series row with
//! `country_pair` X is compared with the column `<indicator>.X` when the run has it, so the same
//! mapping serves Vietnam–Japan, Thailand–Japan or any pair whose data follow the format.

use crate::indicators::{self, Aggregation};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One data series mapped onto an indicator.
#[derive(Debug, Clone, Copy)]
pub struct Mapping {
    pub file: &'static str,
    pub series: &'static str,
    pub indicator: &'static str,
    /// Indicator unit per data unit.
    pub factor: f64,
    /// For stocks: the quarter of the year the observation refers to, by year (else Q4).
    pub quarter_by_year: &'static [(i32, u8)],
    /// Short source name for legends.
    pub label: &'static str,
}

pub const MAPPINGS: &[Mapping] = &[
    Mapping {
        file: "oda_japan_net_bilateral.csv",
        series: "oda_net_bilateral_from_japan",
        indicator: "oda_net_usd_per_q",
        factor: 1.0,
        quarter_by_year: &[],
        label: "OECD DAC via WDI",
    },
    Mapping {
        file: "oda_total_net_received.csv",
        series: "oda_net_received_total",
        indicator: "oda_net_received_usd_per_q",
        factor: 1.0,
        quarter_by_year: &[],
        label: "OECD DAC via WDI",
    },
    Mapping {
        file: "oda_gni_ratio_vnm.csv",
        series: "oda_net_received_pct_gni",
        indicator: "aid_gni_ratio",
        factor: 0.01,
        quarter_by_year: &[],
        label: "WDI",
    },
    Mapping {
        file: "fdi_japan_vietnam.csv",
        series: "fdi_jpn_cumulative_registered_capital_snapshot",
        indicator: "fdi_stock_usd",
        factor: 1.0e9,
        quarter_by_year: &[(2014, 1), (2015, 2)],
        label: "FIA/MPI",
    },
    Mapping {
        file: "fdi_japan_vietnam.csv",
        series: "fdi_jpn_cumulative_valid_projects_snapshot",
        indicator: "fdi_projects",
        factor: 1.0,
        quarter_by_year: &[(2014, 1), (2015, 2)],
        label: "FIA/MPI",
    },
    Mapping {
        file: "fdi_japan_vietnam.csv",
        series: "fdi_jpn_registered_capital_annual",
        indicator: "fdi_registered_usd_per_q",
        factor: 1.0e9,
        quarter_by_year: &[],
        label: "FIA/MPI",
    },
    Mapping {
        file: "trade_vietnam_japan.csv",
        series: "trade_total_vnm_jpn",
        indicator: "trade_usd_per_q",
        factor: 1.0e9,
        quarter_by_year: &[],
        label: "Vietnam customs",
    },
    Mapping {
        file: "people_vietnamese_in_japan.csv",
        series: "residents_in_japan_nationals_of_partner",
        indicator: "residents_persons",
        factor: 1.0,
        quarter_by_year: &[],
        label: "Immigration Services Agency",
    },
    Mapping {
        file: "emigrant_stock.csv",
        series: "emigrants_in_japan",
        indicator: "origin_residents_persons",
        factor: 1.0,
        // The Japan row holds the year-end registered counts (data/README.md).
        quarter_by_year: &[],
        label: "UN DESA",
    },
];

/// One observation in indicator units.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub mapping: usize,
    pub column: String,
    pub year: i32,
    pub value: f64,
}

/// Reads every mapped series present in `data_dir` (or the built-in copies when `None`).
pub fn load(data_dir: Option<&Path>) -> Result<Vec<Observation>, String> {
    let mut out = Vec::new();
    for (m, mapping) in MAPPINGS.iter().enumerate() {
        let text = match data_dir {
            Some(dir) => match std::fs::read_to_string(dir.join(mapping.file)) {
                Ok(t) => t,
                Err(_) => continue,
            },
            None => match crate::scenario::builtin::data(mapping.file) {
                Some(t) => t.to_string(),
                None => continue,
            },
        };
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for record in reader.records() {
            let r = record.map_err(|e| format!("{}: {e}", mapping.file))?;
            if r.get(0) != Some(mapping.series) {
                continue;
            }
            let (Some(scope), Some(year), Some(value)) = (
                r.get(1),
                r.get(2).and_then(|y| y.parse().ok()),
                r.get(3).and_then(|v| v.parse::<f64>().ok()),
            ) else {
                continue;
            };
            out.push(Observation {
                mapping: m,
                column: indicators::column_name(mapping.indicator, scope),
                year,
                value: value * mapping.factor,
            });
        }
    }
    Ok(out)
}

/// The quarter (1–4) a stock observation refers to.
fn stock_quarter(mapping: &Mapping, year: i32) -> u8 {
    mapping
        .quarter_by_year
        .iter()
        .find(|(y, _)| *y == year)
        .map_or(4, |(_, q)| *q)
}

/// A calendar-year figure from a quarterly series (`quarters[i]` = (year, quarter, value)).
pub fn annual_value(mapping: &Mapping, quarters: &[(i32, u8, f64)], year: i32) -> Option<f64> {
    let spec = indicators::spec(mapping.indicator)?;
    let in_year: Vec<(u8, f64)> = quarters
        .iter()
        .filter(|(y, _, _)| *y == year)
        .map(|(_, q, v)| (*q, *v))
        .collect();
    match spec.aggregation {
        Aggregation::FlowPerQuarter => {
            (in_year.len() == 4).then(|| in_year.iter().map(|(_, v)| v).sum())
        }
        Aggregation::MeanOfQuarters => {
            (in_year.len() == 4).then(|| in_year.iter().map(|(_, v)| v).sum::<f64>() / 4.0)
        }
        Aggregation::StockAtEnd => {
            let q = stock_quarter(mapping, year);
            in_year.iter().find(|(qq, _)| *qq == q).map(|(_, v)| *v)
        }
    }
}

/// Points to overlay on plots: flows as the quarterly average at mid-year, stocks at their quarter.
pub fn overlay_points(observations: &[Observation]) -> Vec<crate::plot::ObservedPoint> {
    observations
        .iter()
        .map(|o| {
            let mapping = &MAPPINGS[o.mapping];
            let agg = indicators::spec(mapping.indicator).map(|s| s.aggregation);
            let (year, value) = match agg {
                Some(Aggregation::FlowPerQuarter) => (o.year as f64 + 0.5, o.value / 4.0),
                Some(Aggregation::StockAtEnd) => (
                    o.year as f64 + (stock_quarter(mapping, o.year) as f64 - 0.5) / 4.0,
                    o.value,
                ),
                _ => (o.year as f64 + 0.5, o.value),
            };
            crate::plot::ObservedPoint {
                column: o.column.clone(),
                year,
                value,
                label: mapping.label.to_string(),
            }
        })
        .collect()
}

/// Per-year comparison of model and data.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRow {
    pub series: String,
    pub column: String,
    pub year: i32,
    pub observed: f64,
    pub model_median: f64,
    pub model_q05: f64,
    pub model_q95: f64,
}

/// Per-series error summary.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSummary {
    pub series: String,
    pub column: String,
    pub points: usize,
    /// Root mean squared log error of the median over years where both are positive.
    pub rmsle: Option<f64>,
    /// Geometric mean of model/observed.
    pub geometric_mean_ratio: Option<f64>,
}

fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Compares a run's time series (per replication: quarters of (year, quarter, value) by column)
/// with the observations.
pub fn fit(
    series_by_replication: &[BTreeMap<String, Vec<(i32, u8, f64)>>],
    observations: &[Observation],
) -> (Vec<FitRow>, Vec<FitSummary>) {
    let mut rows = Vec::new();
    for o in observations {
        let mapping = &MAPPINGS[o.mapping];
        let mut values: Vec<f64> = series_by_replication
            .iter()
            .filter_map(|rep| {
                rep.get(&o.column)
                    .and_then(|q| annual_value(mapping, q, o.year))
            })
            .collect();
        if values.is_empty() {
            continue;
        }
        values.sort_by(f64::total_cmp);
        rows.push(FitRow {
            series: mapping.series.to_string(),
            column: o.column.clone(),
            year: o.year,
            observed: o.value,
            model_median: quantile(&values, 0.5),
            model_q05: quantile(&values, 0.05),
            model_q95: quantile(&values, 0.95),
        });
    }
    let mut summaries: Vec<FitSummary> = Vec::new();
    for row in &rows {
        if !summaries
            .iter()
            .any(|s| s.series == row.series && s.column == row.column)
        {
            let these: Vec<&FitRow> = rows
                .iter()
                .filter(|r| r.series == row.series && r.column == row.column)
                .collect();
            let logs: Vec<f64> = these
                .iter()
                .filter(|r| r.observed > 0.0 && r.model_median > 0.0)
                .map(|r| (r.model_median / r.observed).ln())
                .collect();
            let n = logs.len();
            summaries.push(FitSummary {
                series: row.series.clone(),
                column: row.column.clone(),
                points: these.len(),
                rmsle: (n > 0).then(|| (logs.iter().map(|l| l * l).sum::<f64>() / n as f64).sqrt()),
                geometric_mean_ratio: (n > 0).then(|| (logs.iter().sum::<f64>() / n as f64).exp()),
            });
        }
    }
    (rows, summaries)
}

fn opt(v: Option<f64>) -> String {
    crate::numfmt::opt_float(v)
}

pub fn fit_rows_csv(rows: &[FitRow]) -> String {
    let mut s =
        String::from("series,column,year,observed,model_median,model_q05,model_q95,ratio\n");
    for r in rows {
        let ratio = if r.observed != 0.0 {
            Some(r.model_median / r.observed)
        } else {
            None
        };
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{}",
            r.series,
            r.column,
            r.year,
            crate::numfmt::float(r.observed),
            crate::numfmt::float(r.model_median),
            crate::numfmt::float(r.model_q05),
            crate::numfmt::float(r.model_q95),
            opt(ratio)
        );
    }
    s
}

pub fn fit_summary_csv(summaries: &[FitSummary]) -> String {
    let mut s = String::from("series,column,points,rmsle,geometric_mean_ratio\n");
    for f in summaries {
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            f.series,
            f.column,
            f.points,
            opt(f.rmsle),
            opt(f.geometric_mean_ratio)
        );
    }
    s
}

/// A plain-text table of the summary for the terminal.
pub fn fit_table(summaries: &[FitSummary]) -> String {
    let mut s = format!(
        "{:<48} {:<34} {:>6} {:>7} {:>12}\n",
        "series", "indicator", "points", "RMSLE", "model/data"
    );
    for f in summaries {
        let _ = writeln!(
            s,
            "{:<48} {:<34} {:>6} {:>7} {:>12}",
            f.series,
            f.column,
            f.points,
            f.rmsle.map_or("-".into(), |v| format!("{v:.3}")),
            f.geometric_mean_ratio
                .map_or("-".into(), |v| format!("{v:.2}")),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annual_flow_is_the_sum_of_four_quarters_and_stock_the_chosen_quarter() {
        let q: Vec<(i32, u8, f64)> = (1..=4).map(|k| (2010, k, k as f64)).collect();
        let trade = MAPPINGS
            .iter()
            .find(|m| m.indicator == "trade_usd_per_q")
            .unwrap();
        assert_eq!(annual_value(trade, &q, 2010), Some(10.0));
        let fdi = MAPPINGS
            .iter()
            .find(|m| m.indicator == "fdi_stock_usd")
            .unwrap();
        assert_eq!(annual_value(fdi, &q, 2010), Some(4.0));
        let q14: Vec<(i32, u8, f64)> = (1..=4).map(|k| (2014, k, k as f64)).collect();
        assert_eq!(
            annual_value(fdi, &q14, 2014),
            Some(1.0),
            "the 2014 snapshot is from March"
        );
        assert_eq!(
            annual_value(trade, &q[..3], 2010),
            None,
            "an incomplete year has no flow"
        );
    }

    #[test]
    fn rmsle_of_a_model_twice_the_data_is_ln2() {
        let obs = vec![Observation {
            mapping: 6,
            column: "trade_usd_per_q.VNM-JPN".into(),
            year: 2010,
            value: 10.0,
        }];
        let mut rep = BTreeMap::new();
        rep.insert(
            "trade_usd_per_q.VNM-JPN".to_string(),
            (1..=4).map(|k| (2010, k, 5.0)).collect::<Vec<_>>(),
        );
        let (rows, summary) = fit(&[rep], &obs);
        assert_eq!(rows[0].model_median, 20.0);
        assert!((summary[0].rmsle.unwrap() - 2f64.ln()).abs() < 1e-12);
        assert!((summary[0].geometric_mean_ratio.unwrap() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn built_in_data_maps_onto_vietnam_japan_columns() {
        let obs = load(None).unwrap();
        assert!(obs.iter().any(|o| o.column == "fdi_stock_usd.VNM-JPN"
            && o.year == 2014
            && (o.value - 35.38e9).abs() < 1.0));
        assert!(
            obs.iter()
                .any(|o| o.column == "residents_persons.VNM-JPN" && o.year == 2012)
        );
        assert!(obs.iter().any(|o| o.column == "aid_gni_ratio.VNM"));
    }
}
