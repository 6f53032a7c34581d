//! Reading the output CSV files and summarising across replications.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::PlotError;

/// A CSV file held in memory, with errors that name the file.
pub(crate) struct Table {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl Table {
    pub fn read(path: &Path) -> Result<Table, PlotError> {
        if !path.is_file() {
            return Err(PlotError::MissingFile {
                path: path.to_path_buf(),
            });
        }
        let file = std::fs::File::open(path).map_err(|e| PlotError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(std::io::BufReader::new(file));
        let csv_err = |e: csv::Error| PlotError::Csv {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_err)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(PlotError::Csv {
                path: path.to_path_buf(),
                message: "empty file or empty header row".into(),
            });
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            rows.push(record.map_err(csv_err)?);
        }
        Ok(Table {
            path: path.to_path_buf(),
            headers,
            rows,
        })
    }

    pub fn try_col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    pub fn col(&self, name: &str) -> Result<usize, PlotError> {
        self.try_col(name).ok_or_else(|| PlotError::MissingColumn {
            path: self.path.clone(),
            column: name.to_string(),
        })
    }

    pub fn require_rows(&self) -> Result<(), PlotError> {
        if self.rows.is_empty() {
            Err(PlotError::NoRows {
                path: self.path.clone(),
            })
        } else {
            Ok(())
        }
    }

    pub fn text(&self, row: usize, col: usize) -> &str {
        self.rows[row].get(col).unwrap_or("").trim()
    }

    /// A number, or `None` for an empty cell (or NaN).
    pub fn num(&self, row: usize, col: usize) -> Result<Option<f64>, PlotError> {
        let s = self.text(row, col);
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_nan() => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(_) => Err(self.bad(row, col, s)),
        }
    }

    /// A number that must be present.
    pub fn req(&self, row: usize, col: usize) -> Result<f64, PlotError> {
        match self.num(row, col)? {
            Some(v) if v.is_finite() => Ok(v),
            _ => Err(self.bad(row, col, self.text(row, col))),
        }
    }

    fn bad(&self, row: usize, col: usize, value: &str) -> PlotError {
        PlotError::BadValue {
            path: self.path.clone(),
            line: row + 2,
            column: self.headers[col].clone(),
            value: value.to_string(),
        }
    }
}

/// The `p` quantile of sorted finite values, linear interpolation between order statistics
/// (type 7 of Hyndman and Fan).
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    debug_assert!(!sorted.is_empty());
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Quantiles of one set of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Summary {
    pub q05: f64,
    pub q25: f64,
    pub q50: f64,
    pub q75: f64,
    pub q95: f64,
    pub mean: f64,
    pub n: usize,
}

impl Summary {
    /// `None` when there is no finite value.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        Some(Summary {
            q05: quantile(&v, 0.05),
            q25: quantile(&v, 0.25),
            q50: quantile(&v, 0.5),
            q75: quantile(&v, 0.75),
            q95: quantile(&v, 0.95),
            mean,
            n: v.len(),
        })
    }

    pub fn scaled(&self, f: f64) -> Summary {
        Summary {
            q05: self.q05 * f,
            q25: self.q25 * f,
            q50: self.q50 * f,
            q75: self.q75 * f,
            q95: self.q95 * f,
            mean: self.mean * f,
            n: self.n,
        }
    }
}

/// Decimal year of the start of a quarter (where a shock that starts in that quarter is drawn).
pub(crate) fn decimal_year(year: f64, quarter: f64) -> f64 {
    year + (quarter - 1.0) / 4.0
}

/// Decimal year of the end of a quarter: where a quarter's record is drawn, since every row of
/// `timeseries.csv` and `resilience_paths.csv` is the state after that quarter's step (so a
/// shock starting in quarter q first shows between the start and the end of q, not before).
pub(crate) fn quarter_end_year(year: f64, quarter: f64) -> f64 {
    year + quarter / 4.0
}

/// `timeseries.csv`: rows grouped by step.
pub(crate) struct TimeSeries {
    pub table: Table,
    /// (step, decimal year, row indices) sorted by step.
    pub steps: Vec<(i64, f64, Vec<usize>)>,
    pub replications: usize,
    /// Indicator columns (everything after the four index columns), in file order.
    pub columns: Vec<String>,
}

impl TimeSeries {
    pub fn read(path: &Path) -> Result<TimeSeries, PlotError> {
        let table = Table::read(path)?;
        let c_rep = table.col("replication")?;
        let c_step = table.col("step")?;
        let c_year = table.col("year")?;
        let c_q = table.col("quarter")?;
        table.require_rows()?;
        let mut by_step: BTreeMap<i64, (f64, Vec<usize>)> = BTreeMap::new();
        let mut reps: Vec<i64> = Vec::new();
        for r in 0..table.rows.len() {
            let step = table.req(r, c_step)? as i64;
            let x = quarter_end_year(table.req(r, c_year)?, table.req(r, c_q)?);
            reps.push(table.req(r, c_rep)? as i64);
            by_step.entry(step).or_insert((x, Vec::new())).1.push(r);
        }
        reps.sort_unstable();
        reps.dedup();
        let index = ["replication", "step", "year", "quarter"];
        let columns = table
            .headers
            .iter()
            .filter(|h| !index.contains(&h.as_str()) && !h.is_empty())
            .cloned()
            .collect();
        Ok(TimeSeries {
            steps: by_step.into_iter().map(|(s, (x, r))| (s, x, r)).collect(),
            replications: reps.len(),
            columns,
            table,
        })
    }

    pub fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }

    /// Per step (decimal year, quantiles across replications); steps without values are left out.
    pub fn summary_path(&self, column: &str) -> Result<Vec<(f64, Summary)>, PlotError> {
        let c = self.table.col(column)?;
        let mut out = Vec::with_capacity(self.steps.len());
        for (_, x, rows) in &self.steps {
            let mut vals = Vec::with_capacity(rows.len());
            for &r in rows {
                if let Some(v) = self.table.num(r, c)? {
                    vals.push(v);
                }
            }
            if let Some(s) = Summary::of(&vals) {
                out.push((*x, s));
            }
        }
        Ok(out)
    }
}

/// Sorts and deduplicates strings that may be numbers: numerically if all parse, else lexically.
pub(crate) fn sort_values(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    let nums: Option<Vec<f64>> = v.iter().map(|s| s.parse::<f64>().ok()).collect();
    if let Some(nums) = nums {
        let mut pairs: Vec<(f64, String)> = nums.into_iter().zip(v).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        // Values equal as numbers but written differently ("1" and "1.0") are one value.
        pairs.dedup_by(|a, b| a.0 == b.0);
        pairs.into_iter().map(|p| p.1).collect()
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_interpolates_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert!((quantile(&v, 0.05) - 1.2).abs() < 1e-12);
        assert!((quantile(&v, 0.95) - 4.8).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.9), 7.0);
        let even = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&even, 0.5), 2.5);
    }

    #[test]
    fn a_quarter_is_drawn_at_its_end_and_a_shock_at_its_start() {
        // 2026 Q1 runs from 2026.00 to 2026.25: a shock starting in Q1 is drawn at 2026.00 and
        // the Q1 record (state after the Q1 step) at 2026.25, so the drop lies right of the line.
        assert_eq!(decimal_year(2026.0, 1.0), 2026.0);
        assert_eq!(quarter_end_year(2026.0, 1.0), 2026.25);
        // The Q4 2025 record is at the shock line: the last unshocked value.
        assert_eq!(quarter_end_year(2025.0, 4.0), decimal_year(2026.0, 1.0));
    }

    #[test]
    fn summary_of_one_value_collapses_to_that_value() {
        let s = Summary::of(&[3.5]).unwrap();
        assert_eq!((s.q05, s.q50, s.q95), (3.5, 3.5, 3.5));
        assert!(Summary::of(&[]).is_none());
        assert!(Summary::of(&[f64::NAN]).is_none());
    }

    #[test]
    fn sort_values_orders_numbers_numerically() {
        let v = sort_values(vec!["10".into(), "2".into(), "1.0".into(), "1".into()]);
        assert_eq!(v, vec!["1", "2", "10"]);
        let s = sort_values(vec!["b".into(), "a".into(), "b".into()]);
        assert_eq!(s, vec!["a", "b"]);
    }
}
