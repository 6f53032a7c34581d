//! Output files of `kizuna run` (formats in `docs/OUTPUTS.md`), written into a temporary
//! directory beside the target and renamed into place at the end, so a failed or interrupted run
//! never leaves a half-written output directory.

use crate::model::{Config, ReplicationResult};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn num(v: f64) -> String {
    crate::numfmt::float(v)
}

fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

pub fn timeseries_csv(cfg: &Config, results: &[ReplicationResult]) -> String {
    let mut s = String::from("replication,step,year,quarter");
    if let Some(first) = results.first() {
        for c in &first.series.columns {
            s.push(',');
            s.push_str(c);
        }
    }
    s.push('\n');
    for r in results {
        for step in 0..r.series.steps {
            let q = cfg.quarter_of(step as u32);
            let _ = write!(s, "{},{},{},{}", r.replication, step, q.year(), q.quarter());
            for v in r.series.row(step) {
                s.push(',');
                s.push_str(&num(*v));
            }
            s.push('\n');
        }
    }
    s
}

const METRICS: [&str; 7] = [
    "depth",
    "recovery_quarters",
    "loss_area_quarters",
    "recovery_ratio_4q",
    "recovery_ratio_8q",
    "recovery_ratio_12q",
    "bounce_forward",
];

fn metric_values(m: &crate::model::resilience::Resilience) -> [String; 7] {
    [
        num(m.depth),
        m.recovery_quarters
            .map(|q| q.to_string())
            .unwrap_or_default(),
        num(m.loss_area_quarters),
        opt(m.recovery_ratio[0]),
        opt(m.recovery_ratio[1]),
        opt(m.recovery_ratio[2]),
        opt(m.bounce_forward),
    ]
}

pub fn resilience_csv(cfg: &Config, results: &[ReplicationResult]) -> String {
    let mut s = String::from(
        "replication,shock_id,shock_kind,indicator,start_step,start_year,start_quarter",
    );
    for m in METRICS {
        s.push(',');
        s.push_str(m);
    }
    s.push('\n');
    for r in results {
        for sr in &r.resilience {
            let shock = &cfg.shocks[sr.shock_index];
            let q = cfg.quarter_of(sr.start_step);
            let _ = write!(
                s,
                "{},{},{},{},{},{},{}",
                r.replication,
                shock.id,
                kind_label(shock.kind),
                sr.column,
                sr.start_step,
                q.year(),
                q.quarter()
            );
            for v in metric_values(&sr.metrics) {
                s.push(',');
                s.push_str(&v);
            }
            s.push('\n');
        }
    }
    s
}

pub fn kind_label(kind: crate::model::config::ShockKind) -> &'static str {
    use crate::model::config::ShockKind::*;
    match kind {
        GeopoliticalCrisis => "geopolitical_crisis",
        SupplyChainDisruption => "supply_chain_disruption",
        AidCut => "aid_cut",
        AidSuspension => "aid_suspension",
        ExchangeRate => "exchange_rate",
        Scandal => "scandal",
    }
}

pub fn resilience_paths_csv(cfg: &Config, results: &[ReplicationResult]) -> String {
    let mut s =
        String::from("shock_id,indicator,replication,step,year,quarter,shocked,counterfactual\n");
    // Grouped by shock and indicator, then replication, for easy plotting.
    let mut keys: Vec<(usize, String)> = Vec::new();
    for r in results {
        for sr in &r.resilience {
            if !keys.contains(&(sr.shock_index, sr.column.clone())) {
                keys.push((sr.shock_index, sr.column.clone()));
            }
        }
    }
    for (shock, column) in &keys {
        for r in results {
            for sr in r
                .resilience
                .iter()
                .filter(|sr| sr.shock_index == *shock && &sr.column == column)
            {
                for step in 0..sr.shocked.len() {
                    let q = cfg.quarter_of(step as u32);
                    let _ = writeln!(
                        s,
                        "{},{},{},{},{},{},{},{}",
                        cfg.shocks[*shock].id,
                        column,
                        r.replication,
                        step,
                        q.year(),
                        q.quarter(),
                        num(sr.shocked[step]),
                        num(sr.counterfactual[step])
                    );
                }
            }
        }
    }
    s
}

pub fn summary_csv(cfg: &Config, results: &[ReplicationResult]) -> String {
    let mut s = String::from("replication");
    let Some(first) = results.first() else {
        return s + "\n";
    };
    for c in &first.series.columns {
        let _ = write!(s, ",final.{c}");
    }
    for sr in &first.resilience {
        for m in METRICS {
            let _ = write!(s, ",{}.{}.{}", cfg.shocks[sr.shock_index].id, sr.column, m);
        }
    }
    s.push('\n');
    for r in results {
        let _ = write!(s, "{}", r.replication);
        for v in r.series.row(r.series.steps - 1) {
            s.push(',');
            s.push_str(&num(*v));
        }
        for sr in &r.resilience {
            for v in metric_values(&sr.metrics) {
                s.push(',');
                s.push_str(&v);
            }
        }
        s.push('\n');
    }
    s
}

#[derive(Serialize)]
pub struct Manifest<'a> {
    pub scenario: &'a str,
    pub scenario_sha256: String,
    pub seed: u64,
    pub replications: u32,
    pub kizuna_version: &'static str,
    pub horizon: String,
    pub shocks: Vec<&'a str>,
    /// Shocks whose resilience is measured (a scenario may switch it off per shock).
    pub resilience_shocks: Vec<&'a str>,
    pub columns: usize,
    pub culture_proxies: Vec<&'a str>,
}

/// Series by replication and column, as (year, quarter, value), for the fit report.
pub fn series_by_replication(
    cfg: &Config,
    results: &[ReplicationResult],
) -> Vec<BTreeMap<String, Vec<(i32, u8, f64)>>> {
    results
        .iter()
        .map(|r| {
            let mut m = BTreeMap::new();
            for (c, name) in r.series.columns.iter().enumerate() {
                let v = (0..r.series.steps)
                    .map(|s| {
                        let q = cfg.quarter_of(s as u32);
                        (q.year(), q.quarter(), r.series.row(s)[c])
                    })
                    .collect();
                m.insert(name.clone(), v);
            }
            m
        })
        .collect()
}

/// Reads `timeseries.csv` back into series by replication (for `kizuna fit DIR`).
pub fn read_timeseries(path: &Path) -> Result<Vec<BTreeMap<String, Vec<(i32, u8, f64)>>>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    if headers.len() < 5
        || &headers[0] != "replication"
        || &headers[2] != "year"
        || &headers[3] != "quarter"
    {
        return Err(format!(
            "{}: not a kizuna timeseries.csv (expected columns replication,step,year,quarter,...)",
            path.display()
        ));
    }
    let mut out: Vec<BTreeMap<String, Vec<(i32, u8, f64)>>> = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let r = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let bad = |col: &str| format!("{}: line {}: bad {col}", path.display(), line + 2);
        let rep: usize = r[0].parse().map_err(|_| bad("replication"))?;
        let year: i32 = r[2].parse().map_err(|_| bad("year"))?;
        let quarter: u8 = r[3].parse().map_err(|_| bad("quarter"))?;
        while out.len() <= rep {
            out.push(BTreeMap::new());
        }
        for (i, name) in headers.iter().enumerate().skip(4) {
            let v: f64 = r
                .get(i)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| bad(name))?;
            out[rep]
                .entry(name.to_string())
                .or_default()
                .push((year, quarter, v));
        }
    }
    Ok(out)
}

/// True if `dir` is empty or holds a `manifest.json` written by kizuna (run or sweep): only such
/// a directory is replaced without `--force`.
pub fn is_kizuna_output(dir: &Path) -> bool {
    let Ok(mut entries) = std::fs::read_dir(dir) else {
        return false;
    };
    if entries.next().is_none() {
        return true;
    }
    std::fs::read_to_string(dir.join("manifest.json"))
        .is_ok_and(|m| m.contains("\"kizuna_version\""))
}

/// Why `target` cannot be an output directory at all (`.`, `..`, `/`: no name to stage beside).
pub fn output_target_problem(target: &Path) -> Option<&'static str> {
    match target.components().next_back() {
        Some(std::path::Component::Normal(_)) => None,
        _ => Some(
            "is not a directory name kizuna can write into and replace (use a new subdirectory such as output/run1)",
        ),
    }
}

/// Whether process `pid` is alive (Linux: `/proc/<pid>`); elsewhere every pid counts as alive,
/// so nothing of another process is removed.
fn pid_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// Removes `.<name>.partial-<pid>` and `.<name>.old-<pid>-<n>` siblings left by processes that
/// died (killed, interrupted during the swap).
fn remove_stale_siblings(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let partial = format!(".{name}.partial-");
    let old = format!(".{name}.old-");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = file
            .strip_prefix(&partial)
            .or_else(|| file.strip_prefix(&old).and_then(|r| r.split('-').next()))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !pid_alive(pid)
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

static OLD_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A directory being written: files go into `.<name>.partial-<pid>` beside the target and appear
/// under the target name only when [`StagedDir::commit`] succeeds. Dropped without commit, it
/// removes itself; stale staging directories of dead processes are removed when a new one is
/// made.
pub struct StagedDir {
    pub target: PathBuf,
    pub staging: PathBuf,
    name: String,
    parent: PathBuf,
    committed: bool,
}

impl StagedDir {
    pub fn new(target: &Path) -> std::io::Result<StagedDir> {
        if let Some(problem) = output_target_problem(target) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                problem,
            ));
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "output".into());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        std::fs::create_dir_all(&parent)?;
        remove_stale_siblings(&parent, &name);
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir_all(&staging)?;
        Ok(StagedDir {
            target: target.to_path_buf(),
            staging,
            name,
            parent,
            committed: false,
        })
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
        std::fs::write(self.staging.join(name), contents)
    }

    /// Replaces the target with the staged directory. A target that exists but is not a
    /// directory is refused (and left alone). Concurrent commits into one target each move the
    /// current target aside under a name of their own and retry, so the last one wins and none
    /// fails.
    pub fn commit(mut self) -> std::io::Result<PathBuf> {
        let mut moved_aside = Vec::new();
        let mut result = Err(std::io::Error::other("too many concurrent replacements"));
        for _ in 0..100 {
            match std::fs::symlink_metadata(&self.target) {
                Ok(m) if !m.is_dir() => {
                    result = Err(std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        "exists and is not a directory",
                    ));
                    break;
                }
                Ok(_) => {
                    let old = self.parent.join(format!(
                        ".{}.old-{}-{}",
                        self.name,
                        std::process::id(),
                        OLD_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    ));
                    match std::fs::rename(&self.target, &old) {
                        Ok(()) => moved_aside.push(old),
                        // Another process moved it first.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                Err(_) => {}
            }
            match std::fs::rename(&self.staging, &self.target) {
                Ok(()) => {
                    result = Ok(self.target.clone());
                    break;
                }
                // Another process put its result there in between: move that aside too.
                Err(_) if self.target.exists() => continue,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if result.is_ok() {
            self.committed = true;
            for old in moved_aside {
                let _ = std::fs::remove_dir_all(old);
            }
        } else if let Some(first) = moved_aside.first()
            && !self.target.exists()
        {
            // Put back what was there.
            let _ = std::fs::rename(first, &self.target);
        }
        result
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

// ----- the same tables, typed, for Parquet (`crate::table`) -------------------------------------

use crate::table::{Table, Values};

fn ints(v: impl Iterator<Item = i64>) -> Values {
    Values::Int(v.collect())
}

/// `timeseries.parquet`: the rows and columns of `timeseries.csv`.
pub fn timeseries_table(cfg: &Config, results: &[ReplicationResult]) -> Table {
    let index: Vec<(u32, usize)> = results
        .iter()
        .flat_map(|r| (0..r.series.steps).map(move |s| (r.replication, s)))
        .collect();
    let mut t = Table::new();
    t.push("replication", ints(index.iter().map(|&(r, _)| r as i64)));
    t.push("step", ints(index.iter().map(|&(_, s)| s as i64)));
    let quarter = |s: usize| cfg.quarter_of(s as u32);
    t.push(
        "year",
        ints(index.iter().map(|&(_, s)| quarter(s).year() as i64)),
    );
    t.push(
        "quarter",
        ints(index.iter().map(|&(_, s)| quarter(s).quarter() as i64)),
    );
    if let Some(first) = results.first() {
        for (c, name) in first.series.columns.iter().enumerate() {
            let v = results
                .iter()
                .flat_map(|r| (0..r.series.steps).map(move |s| Some(r.series.row(s)[c])))
                .collect();
            t.push(name.clone(), Values::Float(v));
        }
    }
    t
}

/// `timeseries_long.parquet`: one row per replication, quarter and column of `timeseries.csv`,
/// with the column split into indicator and scope and the unit from the indicator catalogue.
pub fn timeseries_long_table(cfg: &Config, results: &[ReplicationResult]) -> Table {
    let columns: &[String] = results.first().map_or(&[], |r| &r.series.columns);
    let split: Vec<(String, String, String)> = columns
        .iter()
        .map(|c| match crate::indicators::lookup(c) {
            Some((spec, scope)) => (
                spec.name.to_string(),
                scope.to_string(),
                spec.unit.to_string(),
            ),
            None => {
                let (name, scope) = c.split_once('.').unwrap_or((c.as_str(), ""));
                (name.to_string(), scope.to_string(), String::new())
            }
        })
        .collect();
    let (mut rep, mut step, mut year, mut qtr) = (vec![], vec![], vec![], vec![]);
    let (mut ind, mut scope, mut unit, mut value) = (vec![], vec![], vec![], vec![]);
    for r in results {
        for s in 0..r.series.steps {
            let q = cfg.quarter_of(s as u32);
            for (c, v) in r.series.row(s).iter().enumerate() {
                rep.push(r.replication as i64);
                step.push(s as i64);
                year.push(q.year() as i64);
                qtr.push(q.quarter() as i64);
                ind.push(split[c].0.clone());
                scope.push(split[c].1.clone());
                unit.push(split[c].2.clone());
                value.push(Some(*v));
            }
        }
    }
    let n = rep.len();
    let mut t = Table::new();
    t.push("replication", Values::Int(rep));
    t.push("scenario", Values::Str(vec![cfg.name.clone(); n]));
    t.push("step", Values::Int(step));
    t.push("year", Values::Int(year));
    t.push("quarter", Values::Int(qtr));
    t.push("indicator", Values::Str(ind));
    t.push("scope", Values::Str(scope));
    t.push("value", Values::Float(value));
    t.push("unit", Values::Str(unit));
    t
}

/// The seven resilience metrics as typed columns, in the order of [`METRICS`].
fn push_metric_columns<'a>(
    t: &mut Table,
    prefix: &str,
    metrics: impl Iterator<Item = &'a crate::model::resilience::Resilience> + Clone,
) {
    let m = metrics;
    let col = |name: &str| format!("{prefix}{name}");
    t.push(
        col("depth"),
        Values::Float(m.clone().map(|m| Some(m.depth)).collect()),
    );
    t.push(
        col("recovery_quarters"),
        Values::OptInt(
            m.clone()
                .map(|m| m.recovery_quarters.map(i64::from))
                .collect(),
        ),
    );
    t.push(
        col("loss_area_quarters"),
        Values::Float(m.clone().map(|m| Some(m.loss_area_quarters)).collect()),
    );
    for (i, h) in ["4q", "8q", "12q"].iter().enumerate() {
        t.push(
            col(&format!("recovery_ratio_{h}")),
            Values::Float(m.clone().map(|m| m.recovery_ratio[i]).collect()),
        );
    }
    t.push(
        col("bounce_forward"),
        Values::Float(m.map(|m| m.bounce_forward).collect()),
    );
}

/// `summary.parquet`: the rows and columns of `summary.csv`.
pub fn summary_table(cfg: &Config, results: &[ReplicationResult]) -> Table {
    let mut t = Table::new();
    t.push(
        "replication",
        ints(results.iter().map(|r| r.replication as i64)),
    );
    let Some(first) = results.first() else {
        return t;
    };
    for (c, name) in first.series.columns.iter().enumerate() {
        let v = results
            .iter()
            .map(|r| Some(r.series.row(r.series.steps - 1)[c]))
            .collect();
        t.push(format!("final.{name}"), Values::Float(v));
    }
    for (i, sr) in first.resilience.iter().enumerate() {
        let prefix = format!("{}.{}.", cfg.shocks[sr.shock_index].id, sr.column);
        push_metric_columns(
            &mut t,
            &prefix,
            results.iter().map(move |r| &r.resilience[i].metrics),
        );
    }
    t
}

/// `resilience.parquet`: the rows and columns of `resilience.csv`.
pub fn resilience_table(cfg: &Config, results: &[ReplicationResult]) -> Table {
    let rows: Vec<(u32, &crate::model::ShockResilience)> = results
        .iter()
        .flat_map(|r| r.resilience.iter().map(move |sr| (r.replication, sr)))
        .collect();
    let shock = |sr: &crate::model::ShockResilience| &cfg.shocks[sr.shock_index];
    let mut t = Table::new();
    t.push("replication", ints(rows.iter().map(|(r, _)| *r as i64)));
    t.push(
        "shock_id",
        Values::Str(rows.iter().map(|(_, sr)| shock(sr).id.clone()).collect()),
    );
    t.push(
        "shock_kind",
        Values::Str(
            rows.iter()
                .map(|(_, sr)| kind_label(shock(sr).kind).to_string())
                .collect(),
        ),
    );
    t.push(
        "indicator",
        Values::Str(rows.iter().map(|(_, sr)| sr.column.clone()).collect()),
    );
    t.push(
        "start_step",
        ints(rows.iter().map(|(_, sr)| sr.start_step as i64)),
    );
    let start = |sr: &crate::model::ShockResilience| cfg.quarter_of(sr.start_step);
    t.push(
        "start_year",
        ints(rows.iter().map(|(_, sr)| start(sr).year() as i64)),
    );
    t.push(
        "start_quarter",
        ints(rows.iter().map(|(_, sr)| start(sr).quarter() as i64)),
    );
    push_metric_columns(&mut t, "", rows.iter().map(|(_, sr)| &sr.metrics));
    t
}

/// `resilience_paths.parquet`: the rows and columns of `resilience_paths.csv`, in its order.
pub fn resilience_paths_table(cfg: &Config, results: &[ReplicationResult]) -> Table {
    let mut keys: Vec<(usize, &str)> = Vec::new();
    for r in results {
        for sr in &r.resilience {
            if !keys.contains(&(sr.shock_index, sr.column.as_str())) {
                keys.push((sr.shock_index, sr.column.as_str()));
            }
        }
    }
    let (mut shock, mut ind, mut rep, mut step) = (vec![], vec![], vec![], vec![]);
    let (mut year, mut qtr, mut shocked, mut cf) = (vec![], vec![], vec![], vec![]);
    for &(k, column) in &keys {
        for r in results {
            for sr in r
                .resilience
                .iter()
                .filter(|sr| sr.shock_index == k && sr.column == column)
            {
                for s in 0..sr.shocked.len() {
                    let q = cfg.quarter_of(s as u32);
                    shock.push(cfg.shocks[k].id.clone());
                    ind.push(column.to_string());
                    rep.push(r.replication as i64);
                    step.push(s as i64);
                    year.push(q.year() as i64);
                    qtr.push(q.quarter() as i64);
                    shocked.push(Some(sr.shocked[s]));
                    cf.push(Some(sr.counterfactual[s]));
                }
            }
        }
    }
    let mut t = Table::new();
    t.push("shock_id", Values::Str(shock));
    t.push("indicator", Values::Str(ind));
    t.push("replication", Values::Int(rep));
    t.push("step", Values::Int(step));
    t.push("year", Values::Int(year));
    t.push("quarter", Values::Int(qtr));
    t.push("shocked", Values::Float(shocked));
    t.push("counterfactual", Values::Float(cf));
    t
}

/// The Parquet files of a run, by file name, and the CSV files they stand for (removed from
/// the run directory when CSV is not among `--format`).
pub fn parquet_files(
    cfg: &Config,
    results: &[ReplicationResult],
) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    Ok(vec![
        (
            "timeseries.parquet",
            timeseries_table(cfg, results).to_parquet()?,
        ),
        (
            "timeseries_long.parquet",
            timeseries_long_table(cfg, results).to_parquet()?,
        ),
        ("summary.parquet", summary_table(cfg, results).to_parquet()?),
        (
            "resilience.parquet",
            resilience_table(cfg, results).to_parquet()?,
        ),
        (
            "resilience_paths.parquet",
            resilience_paths_table(cfg, results).to_parquet()?,
        ),
    ])
}

/// The CSV files of a run that have a Parquet twin.
pub const CSV_WITH_PARQUET: [&str; 4] = [
    "timeseries.csv",
    "summary.csv",
    "resilience.csv",
    "resilience_paths.csv",
];
