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
