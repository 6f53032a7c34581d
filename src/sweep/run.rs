//! Execution: parallel runs, the crash-safe journal, resume, shards, merge and the final files.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::design::{design_points, morris_trajectories};
use super::metrics::{RunOutput, extract, summarise};
use super::sensitivity::sobol_indices;
use super::spec::{Design, Metric, MetricKind, SweepError, SweepSpec};
pub use crate::journal::Progress;
use crate::journal::{self, Journal, Reporter, journal_line};
use crate::model::{Counterfactuals, Schedule, run_replication_scheduled};
use crate::scenario::document::ResolvedDocument;
use crate::table::{Formats, Table, Values};

/// Builds the scenario with the given overrides (key path → value), sets its seed, runs one
/// replication and returns the result. Must be deterministic in its arguments.
pub type RunFn<'a> =
    dyn Fn(&[(String, toml::Value)], u32, u64) -> Result<RunOutput, String> + Sync + 'a;

/// Shock ids whose resilience some metric reads, in metric order without repeats.
pub fn shocks_read_by(metrics: &[Metric]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for m in metrics {
        if let MetricKind::Resilience { shock, .. } = &m.kind
            && !ids.contains(shock)
        {
            ids.push(shock.clone());
        }
    }
    ids
}

/// The run of a sweep on the real model: the base scenario document plus a point's overrides
/// and the run seed, validated, then one replication. Only the counterfactuals of the shocks
/// that the sweep's metrics read are run (see [`Counterfactuals`]); the metrics are the same as
/// with all of them (pinned by `tests/sweep_counterfactuals.rs`).
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    pub base: ResolvedDocument,
    /// Shock ids whose counterfactual to run; `None` = every measured shock.
    pub shocks: Option<Vec<String>>,
}

impl ScenarioRun {
    /// Runs the counterfactuals `spec`'s metrics need.
    pub fn for_sweep(base: ResolvedDocument, spec: &SweepSpec) -> ScenarioRun {
        ScenarioRun {
            base,
            shocks: Some(shocks_read_by(&spec.metrics)),
        }
    }

    /// Runs every counterfactual (as `kizuna run` does), whatever the metrics read.
    pub fn with_all_counterfactuals(base: ResolvedDocument) -> ScenarioRun {
        ScenarioRun { base, shocks: None }
    }

    /// A [`RunFn`]: deterministic in its arguments.
    pub fn run(
        &self,
        overrides: &[(String, toml::Value)],
        replication: u32,
        seed: u64,
    ) -> Result<RunOutput, String> {
        let mut doc = self.base.clone();
        for (key, value) in overrides {
            doc.apply_set(&format!("{key}={value}"))
                .map_err(|e| e.to_string())?;
        }
        // TOML integers are signed 64-bit: the run seed keeps the low 63 bits of the derived seed.
        doc.apply_set(&format!("run.seed={}", seed & i64::MAX as u64))
            .map_err(|e| e.to_string())?;
        let loaded = crate::scenario::load::from_document(doc).map_err(|e| e.to_string())?;
        let cfg = &loaded.config;
        let which = match &self.shocks {
            None => Counterfactuals::All,
            Some(ids) => Counterfactuals::for_shock_ids(cfg, ids),
        };
        // Runs of a sweep already run in parallel: each counterfactual runs as soon as the run
        // reaches its shock, so a worker holds one extra copy of the world at a time.
        let result = run_replication_scheduled(cfg, replication, &which, Schedule::Inline)
            .map_err(|e| e.to_string())?;
        Ok(RunOutput::from_config(cfg, result))
    }
}

/// Journal file name inside an output (or shard) directory.
pub const JOURNAL: &str = "journal.txt";
/// Resolved spec stored next to the journal (used by `merge`).
pub const SPEC_FILE: &str = "sweep.resolved.toml";
/// Shard manifest.
pub const SHARD_MANIFEST: &str = "shard.json";

const JOURNAL_MAGIC: &str = "kizuna-sweep-journal v1";

/// Options of [`run_sweep`].
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// `(K, N)`, 1-based K: run only run indices `i` with `i % N == K − 1`.
    pub shard: Option<(u32, u32)>,
    /// Continue an existing journal in the output directory.
    pub resume: bool,
    pub progress: Progress,
    /// Formats of `runs` and `points` (`--format`); morris/sobol tables are CSV only.
    pub formats: Formats,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: 1,
            shard: None,
            resume: false,
            progress: Progress::Auto,
            formats: Formats::default(),
        }
    }
}

/// What [`run_sweep`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepOutcome {
    /// SHA-256 of the resolved spec and base hash.
    pub hash: String,
    pub points: u64,
    /// Runs of the whole sweep.
    pub runs_total: u64,
    /// Runs belonging to this shard (= `runs_total` without sharding).
    pub runs_in_shard: u64,
    /// Runs found finished in the journal (resume).
    pub runs_resumed: u64,
    /// Runs executed now.
    pub runs_executed: u64,
    /// Final files written (`runs.csv`, …); empty for a shard.
    pub files: Vec<PathBuf>,
}

/// Seed of replication `r` (the same at every design point: common random numbers):
/// `splitmix64(sweep_seed ^ (r + 1) · 0x9E3779B97F4A7C15)`.
pub fn run_seed(sweep_seed: u64, replication: u32) -> u64 {
    splitmix64(sweep_seed ^ (replication as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Parses `K/N` (1-based K).
pub fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--shard expects K/N with 1 ≤ K ≤ N, got `{text}`");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: u32 = k.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The shard implied by a Slurm job array (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`,
/// and `SLURM_ARRAY_TASK_MIN` when present so that `--array=0-3` and `--array=1-4` both work):
/// `K = ID − MIN + 1`, `N = COUNT`. `None` outside a job array.
pub fn shard_from_env() -> Result<Option<(u32, u32)>, String> {
    shard_from_vars(|k| std::env::var(k).ok())
}

/// [`shard_from_env`] with an explicit variable lookup (for tests).
pub fn shard_from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Option<(u32, u32)>, String> {
    let (Some(id), Some(count)) = (var("SLURM_ARRAY_TASK_ID"), var("SLURM_ARRAY_TASK_COUNT"))
    else {
        return Ok(None);
    };
    let num = |name: &str, v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("{name}={v} is not a number"))
    };
    let id = num("SLURM_ARRAY_TASK_ID", &id)?;
    let count = num("SLURM_ARRAY_TASK_COUNT", &count)?;
    let min = match var("SLURM_ARRAY_TASK_MIN") {
        Some(m) => num("SLURM_ARRAY_TASK_MIN", &m)?,
        None => 1.min(id),
    };
    let k = id
        .checked_sub(min)
        .map(|d| d + 1)
        .ok_or("SLURM_ARRAY_TASK_ID below SLURM_ARRAY_TASK_MIN")?;
    if count == 0 || k > count {
        return Err(format!(
            "Slurm array task {id} (min {min}) does not fit {count} tasks; use a contiguous --array range"
        ));
    }
    Ok(Some((k, count)))
}

// ----- journal ---------------------------------------------------------------------------------

fn header_line(hash: &str, shard: (u32, u32), runs: u64, metrics: usize) -> String {
    format!(
        "{JOURNAL_MAGIC} hash={hash} shard={}/{} runs={runs} metrics={metrics}\n",
        shard.0, shard.1
    )
}

/// Parsed journal: header fields, finished rows, and the byte length of the valid prefix.
struct JournalContents {
    hash: String,
    shard: (u32, u32),
    runs: u64,
    rows: BTreeMap<u64, Vec<Option<f64>>>,
    valid_len: u64,
    torn_tail: bool,
}

fn read_journal(path: &Path, metrics: Option<usize>) -> Result<JournalContents, SweepError> {
    let bytes = fs::read(path).map_err(|e| SweepError::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let bad = |msg: String| SweepError::Other(format!("{}: {msg}", path.display()));
    let Some(header_end) = text.find('\n') else {
        return Err(bad(
            "journal header is incomplete; delete the directory and start again".into(),
        ));
    };
    let header = &text[..header_end];
    let rest = header
        .strip_prefix(JOURNAL_MAGIC)
        .ok_or_else(|| bad("not a kizuna sweep journal".into()))?;
    let mut hash = None;
    let mut shard = None;
    let mut runs = None;
    let mut mcount = None;
    for field in rest.split_whitespace() {
        match field.split_once('=') {
            Some(("hash", v)) => hash = Some(v.to_string()),
            Some(("shard", v)) => shard = parse_shard(v).ok(),
            Some(("runs", v)) => runs = v.parse::<u64>().ok(),
            Some(("metrics", v)) => mcount = v.parse::<usize>().ok(),
            _ => {}
        }
    }
    let (Some(hash), Some(shard), Some(runs), Some(mcount)) = (hash, shard, runs, mcount) else {
        return Err(bad("journal header is malformed".into()));
    };
    if let Some(m) = metrics
        && m != mcount
    {
        return Err(bad(format!("journal has {mcount} metrics, the sweep {m}")));
    }
    let mut rows: BTreeMap<u64, Vec<Option<f64>>> = BTreeMap::new();
    let read = journal::read_rows(&text, header_end + 1, mcount, |i, row| {
        if i >= runs || i % shard.1 as u64 != (shard.0 - 1) as u64 {
            return Err(format!("run {i} does not belong to this journal"));
        }
        if let Some(old) = rows.insert(i, row.clone())
            && old
                .iter()
                .zip(&row)
                .any(|(a, b)| a.map(f64::to_bits) != b.map(f64::to_bits))
        {
            return Err(format!("run {i} recorded twice with different values"));
        }
        Ok(())
    })
    .map_err(bad)?;
    Ok(JournalContents {
        hash,
        shard,
        runs,
        rows,
        valid_len: read.valid_len,
        torn_tail: read.torn_tail,
    })
}

// ----- progress --------------------------------------------------------------------------------

// ----- output files ----------------------------------------------------------------------------

fn fmt_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(f) => crate::numfmt::float(*f),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn fmt_opt(v: Option<f64>) -> String {
    crate::numfmt::opt_float(v)
}

/// A parameter column of runs/points.parquet: integers if every value is one, doubles if every
/// value is a number, else the values as written in the CSV (strings, booleans).
fn parameter_values(values: &[&toml::Value]) -> Values {
    if values.iter().all(|v| v.is_integer()) {
        Values::Int(values.iter().filter_map(|v| v.as_integer()).collect())
    } else if values.iter().all(|v| v.is_integer() || v.is_float()) {
        Values::Float(
            values
                .iter()
                .map(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                .collect(),
        )
    } else {
        Values::Str(values.iter().map(|v| fmt_value(v)).collect())
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SweepError> {
    journal::write_atomic(path, bytes).map_err(|(p, e)| SweepError::io(&p, e))
}

fn csv_bytes(
    header: Vec<String>,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, SweepError> {
    journal::csv_bytes(header, rows).map_err(SweepError::Other)
}

#[derive(Serialize)]
struct ManifestParam<'a> {
    key: &'a str,
    scale: &'static str,
}

#[derive(Serialize)]
struct Manifest<'a> {
    name: &'a str,
    kizuna_version: &'static str,
    design: &'static str,
    design_settings: &'a Design,
    parameters: Vec<ManifestParam<'a>>,
    metrics: Vec<&'a str>,
    base: &'a str,
    base_scenario_hash: &'a str,
    sweep_hash: &'a str,
    seed: u64,
    seed_derivation: &'static str,
    replications: u32,
    points: u64,
    runs: u64,
    files: Vec<&'static str>,
}

/// Writes runs.csv, points.csv (and/or their .parquet twins), manifest.json (and morris.csv or
/// sobol.csv) from complete rows.
#[allow(clippy::too_many_arguments)] // the sweep's settings, its rows and where and how to write them
fn write_outputs(
    spec: &SweepSpec,
    seed: u64,
    base_hash: &str,
    hash: &str,
    points: &[Vec<toml::Value>],
    rows: &dyn Fn(u64) -> Vec<Option<f64>>,
    out_dir: &Path,
    formats: Formats,
) -> Result<Vec<PathBuf>, SweepError> {
    let r = spec.replications as u64;
    let keys: Vec<String> = spec.parameters.iter().map(|p| p.key.clone()).collect();
    let names: Vec<String> = spec.metrics.iter().map(|m| m.name.clone()).collect();
    let mut files = Vec::new();

    // runs.csv
    let mut header: Vec<String> = ["point_id", "replication", "seed"]
        .map(String::from)
        .to_vec();
    header.extend(keys.iter().cloned());
    header.extend(names.iter().cloned());
    let runs = (0..points.len() as u64 * r).map(|i| {
        let (p, rep) = (i / r, (i % r) as u32);
        let mut rec = vec![
            p.to_string(),
            rep.to_string(),
            run_seed(seed, rep).to_string(),
        ];
        rec.extend(points[p as usize].iter().map(fmt_value));
        rec.extend(rows(i).into_iter().map(fmt_opt));
        rec
    });
    let mut file_names = Vec::new();
    if formats.csv {
        let path = out_dir.join("runs.csv");
        write_atomic(&path, &csv_bytes(header, runs)?)?;
        files.push(path);
        file_names.push("runs.csv");
    }
    if formats.parquet {
        let n = points.len() as u64 * r;
        let mut t = Table::new();
        t.push(
            "point_id",
            Values::Int((0..n).map(|i| (i / r) as i64).collect()),
        );
        t.push(
            "replication",
            Values::Int((0..n).map(|i| (i % r) as i64).collect()),
        );
        t.push(
            "seed",
            Values::UInt((0..n).map(|i| run_seed(seed, (i % r) as u32)).collect()),
        );
        for (j, key) in keys.iter().enumerate() {
            let values: Vec<&toml::Value> = (0..n).map(|i| &points[(i / r) as usize][j]).collect();
            t.push(key.clone(), parameter_values(&values));
        }
        let metric_rows: Vec<Vec<Option<f64>>> = (0..n).map(rows).collect();
        for (j, name) in names.iter().enumerate() {
            t.push(
                name.clone(),
                Values::Float(metric_rows.iter().map(|row| row[j]).collect()),
            );
        }
        let path = out_dir.join("runs.parquet");
        write_atomic(&path, &t.to_parquet().map_err(SweepError::Other)?)?;
        files.push(path);
        file_names.push("runs.parquet");
    }

    // points.csv, keeping the per-point mean of each metric for Morris.
    let mut header: Vec<String> = vec!["point_id".into()];
    header.extend(keys.iter().cloned());
    for n in &names {
        for s in ["mean", "sd", "q05", "q50", "q95"] {
            header.push(format!("{n}.{s}"));
        }
    }
    let mut means: Vec<Vec<Option<f64>>> = Vec::with_capacity(points.len());
    let mut prow = Vec::with_capacity(points.len());
    // Per metric, the five statistics of every point (points.parquet).
    let mut stats: Vec<[Vec<Option<f64>>; 5]> = vec![Default::default(); names.len()];
    for (p, pt) in points.iter().enumerate() {
        let reps: Vec<Vec<Option<f64>>> = (0..r).map(|rep| rows(p as u64 * r + rep)).collect();
        let mut rec = vec![p.to_string()];
        rec.extend(pt.iter().map(fmt_value));
        let mut m = Vec::with_capacity(names.len());
        for j in 0..names.len() {
            let col: Vec<Option<f64>> = reps.iter().map(|row| row[j]).collect();
            let s = summarise(&col);
            m.push(s.mean);
            for (k, v) in [s.mean, s.sd, s.q05, s.q50, s.q95].into_iter().enumerate() {
                stats[j][k].push(v);
            }
            rec.extend([s.mean, s.sd, s.q05, s.q50, s.q95].map(fmt_opt));
        }
        means.push(m);
        prow.push(rec);
    }
    if formats.csv {
        let path = out_dir.join("points.csv");
        write_atomic(&path, &csv_bytes(header, prow.into_iter())?)?;
        files.push(path);
        file_names.push("points.csv");
    }
    if formats.parquet {
        let mut t = Table::new();
        t.push("point_id", Values::Int((0..points.len() as i64).collect()));
        for (j, key) in keys.iter().enumerate() {
            let values: Vec<&toml::Value> = points.iter().map(|p| &p[j]).collect();
            t.push(key.clone(), parameter_values(&values));
        }
        for (n, columns) in names.iter().zip(stats) {
            for (s, values) in ["mean", "sd", "q05", "q50", "q95"].iter().zip(columns) {
                t.push(format!("{n}.{s}"), Values::Float(values));
            }
        }
        let path = out_dir.join("points.parquet");
        write_atomic(&path, &t.to_parquet().map_err(SweepError::Other)?)?;
        files.push(path);
        file_names.push("points.parquet");
    }
    if let Design::Morris {
        trajectories,
        levels,
    } = spec.design
    {
        let k = spec.parameters.len();
        let delta = levels as f64 / (2.0 * (levels as f64 - 1.0));
        let trajs = morris_trajectories(trajectories, k, levels, seed);
        let mut rec = Vec::new();
        for (j, key) in keys.iter().enumerate() {
            for (mi, name) in names.iter().enumerate() {
                let mut ee = Vec::new();
                for (t, tr) in trajs.iter().enumerate() {
                    let m = tr
                        .order
                        .iter()
                        .position(|&x| x == j)
                        .expect("every parameter moves once");
                    let a = t * (k + 1) + m;
                    if let (Some(y0), Some(y1)) = (means[a][mi], means[a + 1][mi]) {
                        ee.push((y1 - y0) / (tr.signs[m] as f64 * delta));
                    }
                }
                let n = ee.len();
                let mu = (n > 0).then(|| ee.iter().sum::<f64>() / n as f64);
                let mu_star = (n > 0).then(|| ee.iter().map(|e| e.abs()).sum::<f64>() / n as f64);
                let sigma = mu.filter(|_| n > 1).map(|mu| {
                    (ee.iter().map(|e| (e - mu) * (e - mu)).sum::<f64>() / (n - 1) as f64).sqrt()
                });
                rec.push(vec![
                    key.clone(),
                    name.clone(),
                    fmt_opt(mu),
                    fmt_opt(mu_star),
                    fmt_opt(sigma),
                    n.to_string(),
                ]);
            }
        }
        let header = ["parameter", "metric", "mu", "mu_star", "sigma", "effects"]
            .map(String::from)
            .to_vec();
        let path = out_dir.join("morris.csv");
        write_atomic(&path, &csv_bytes(header, rec.into_iter())?)?;
        files.push(path);
        file_names.push("morris.csv");
    }
    if let Design::Saltelli { .. } = spec.design {
        let k = spec.parameters.len();
        let mut rec = Vec::new();
        for (mi, name) in names.iter().enumerate() {
            let y: Vec<Option<f64>> = means.iter().map(|m| m[mi]).collect();
            let idx = sobol_indices(
                &y,
                k,
                crate::stats::BOOTSTRAP_RESAMPLES,
                seed ^ crate::stats::name_hash(name),
            );
            for (key, ix) in keys.iter().zip(idx) {
                rec.push(vec![
                    key.clone(),
                    name.clone(),
                    fmt_opt(ix.s1),
                    fmt_opt(ix.s1_lo),
                    fmt_opt(ix.s1_hi),
                    fmt_opt(ix.st),
                    fmt_opt(ix.st_lo),
                    fmt_opt(ix.st_hi),
                    ix.n_defined.to_string(),
                    ix.n_undefined.to_string(),
                ]);
            }
        }
        let header = [
            "parameter",
            "metric",
            "s1",
            "s1_lo",
            "s1_hi",
            "st",
            "st_lo",
            "st_hi",
            "n_defined",
            "n_undefined",
        ]
        .map(String::from)
        .to_vec();
        let path = out_dir.join("sobol.csv");
        write_atomic(&path, &csv_bytes(header, rec.into_iter())?)?;
        files.push(path);
        file_names.push("sobol.csv");
    }
    file_names.push("manifest.json");

    let manifest = Manifest {
        name: &spec.name,
        kizuna_version: env!("CARGO_PKG_VERSION"),
        design: spec.design.kind().as_str(),
        design_settings: &spec.design,
        parameters: spec
            .parameters
            .iter()
            .map(|p| ManifestParam {
                key: &p.key,
                scale: p.scale.as_str(),
            })
            .collect(),
        metrics: names.iter().map(String::as_str).collect(),
        base: &spec.base,
        base_scenario_hash: base_hash,
        sweep_hash: hash,
        seed,
        seed_derivation: "seed of replication r = splitmix64(seed ^ (r + 1) * 0x9E3779B97F4A7C15), the same at every point",
        replications: spec.replications,
        points: points.len() as u64,
        runs: points.len() as u64 * r,
        files: file_names,
    };
    let mut json =
        serde_json::to_string_pretty(&manifest).map_err(|e| SweepError::Other(e.to_string()))?;
    json.push('\n');
    let path = out_dir.join("manifest.json");
    write_atomic(&path, json.as_bytes())?;
    files.push(path);
    Ok(files)
}

#[derive(Serialize, Deserialize)]
struct StoredSpec {
    hash: String,
    base_hash: String,
    spec: SweepSpec,
}

#[derive(Serialize, Deserialize)]
struct ShardManifest {
    sweep: String,
    hash: String,
    shard: String,
    runs_total: u64,
    runs_in_shard: u64,
    complete: bool,
}

// ----- run -------------------------------------------------------------------------------------

/// Runs a sweep (or one shard of it) into `out_dir`.
///
/// `spec` must have a seed (call [`SweepSpec::check_against_base`] first); `base_hash` is the
/// base scenario's hash, recorded in the journal and manifest. Results are journalled as they
/// finish; the final files (unsharded) are written at the end from the journalled rows, so they
/// are byte-identical whatever the thread count, finishing order or interruptions.
pub fn run_sweep(
    spec: &SweepSpec,
    base_hash: &str,
    run: &RunFn<'_>,
    out_dir: &Path,
    options: &RunOptions,
) -> Result<SweepOutcome, SweepError> {
    let seed = spec.seed.ok_or_else(|| {
        SweepError::Other(
            "the sweep has no seed (call check_against_base to take the base's seed)".into(),
        )
    })?;
    let points = design_points(spec, seed);
    let r = spec.replications as u64;
    let total = points.len() as u64 * r;
    let shard = options.shard.unwrap_or((1, 1));
    let (k, n) = shard;
    if k == 0 || k > n {
        return Err(SweepError::Other(format!("invalid shard {k}/{n}")));
    }
    let mine: Vec<u64> = (0..total)
        .filter(|i| i % n as u64 == (k - 1) as u64)
        .collect();
    let hash = spec.hash(base_hash);
    let m = spec.metrics.len();

    fs::create_dir_all(out_dir).map_err(|e| SweepError::io(out_dir, e))?;
    let jpath = out_dir.join(JOURNAL);
    let mut rows: BTreeMap<u64, Vec<Option<f64>>> = BTreeMap::new();
    let file = if jpath.exists() {
        if !options.resume {
            return Err(SweepError::Other(format!(
                "{} already holds a sweep journal ({}); pass --resume to continue it, or delete the directory to start again",
                out_dir.display(),
                jpath.display()
            )));
        }
        let j = read_journal(&jpath, None)?;
        if j.hash != hash || j.runs != total {
            return Err(SweepError::Other(format!(
                "cannot resume: {} belongs to a different sweep (journal hash {}, this sweep {}); \
                 the sweep file, its overrides or the base scenario changed — use another output directory",
                jpath.display(),
                short(&j.hash),
                short(&hash)
            )));
        }
        if j.shard != shard {
            return Err(SweepError::Other(format!(
                "cannot resume: {} is shard {}/{}, not {k}/{n}",
                jpath.display(),
                j.shard.0,
                j.shard.1
            )));
        }
        let f = OpenOptions::new()
            .write(true)
            .open(&jpath)
            .map_err(|e| SweepError::io(&jpath, e))?;
        if j.torn_tail {
            f.set_len(j.valid_len)
                .map_err(|e| SweepError::io(&jpath, e))?;
            f.sync_all().map_err(|e| SweepError::io(&jpath, e))?;
        }
        drop(f);
        rows = j.rows;
        OpenOptions::new()
            .append(true)
            .open(&jpath)
            .map_err(|e| SweepError::io(&jpath, e))?
    } else {
        let mut f = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&jpath)
            .map_err(|e| SweepError::io(&jpath, e))?;
        f.write_all(header_line(&hash, shard, total, m).as_bytes())
            .map_err(|e| SweepError::io(&jpath, e))?;
        f.sync_all().map_err(|e| SweepError::io(&jpath, e))?;
        f
    };

    let stored = StoredSpec {
        hash: hash.clone(),
        base_hash: base_hash.to_string(),
        spec: spec.clone(),
    };
    let text = toml::to_string(&stored)
        .map_err(|e| SweepError::Other(format!("storing the spec: {e}")))?;
    write_atomic(&out_dir.join(SPEC_FILE), text.as_bytes())?;

    let resumed = rows.len() as u64;
    let todo: Vec<u64> = mine
        .iter()
        .copied()
        .filter(|i| !rows.contains_key(i))
        .collect();
    let journal = Mutex::new(Journal::new(file));
    let rows = Mutex::new(rows);
    let reporter = Reporter::new(
        options.progress,
        &format!("sweep {}", spec.name),
        mine.len() as u64,
        resumed,
    );
    let keys: Vec<String> = spec.parameters.iter().map(|p| p.key.clone()).collect();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .map_err(|e| SweepError::Other(format!("thread pool: {e}")))?;
    let result: Result<(), SweepError> = pool.install(|| {
        todo.par_iter().with_max_len(1).try_for_each(|&i| {
            let (p, rep) = (i / r, (i % r) as u32);
            let overrides: Vec<(String, toml::Value)> = keys
                .iter()
                .cloned()
                .zip(points[p as usize].iter().cloned())
                .collect();
            let fail = |msg: String| {
                SweepError::Other(format!(
                    "run {i} (point {p}, replication {rep}) failed: {msg}"
                ))
            };
            let out = run(&overrides, rep, run_seed(seed, rep)).map_err(fail)?;
            let row = spec
                .metrics
                .iter()
                .map(|mt| extract(mt, &out))
                .collect::<Result<Vec<_>, _>>()
                .map_err(fail)?;
            drop(out);
            let line = journal_line(i, &row);
            journal
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&line)
                .map_err(|e| SweepError::io(&jpath, e))?;
            rows.lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(i, row);
            reporter.tick();
            Ok(())
        })
    });
    reporter.finish();
    {
        let j = journal.lock().unwrap_or_else(|e| e.into_inner());
        j.file.sync_all().map_err(|e| SweepError::io(&jpath, e))?;
    }
    result?;
    let rows = rows.into_inner().unwrap_or_else(|e| e.into_inner());

    let mut outcome = SweepOutcome {
        hash: hash.clone(),
        points: points.len() as u64,
        runs_total: total,
        runs_in_shard: mine.len() as u64,
        runs_resumed: resumed,
        runs_executed: todo.len() as u64,
        files: Vec::new(),
    };
    if options.shard.is_some() {
        let man = ShardManifest {
            sweep: spec.name.clone(),
            hash,
            shard: format!("{k}/{n}"),
            runs_total: total,
            runs_in_shard: mine.len() as u64,
            complete: true,
        };
        let mut json =
            serde_json::to_string_pretty(&man).map_err(|e| SweepError::Other(e.to_string()))?;
        json.push('\n');
        let path = out_dir.join(SHARD_MANIFEST);
        write_atomic(&path, json.as_bytes())?;
        outcome.files.push(path);
    } else {
        outcome.files = write_outputs(
            spec,
            seed,
            base_hash,
            &outcome.hash,
            &points,
            &|i| rows[&i].clone(),
            out_dir,
            options.formats,
        )?;
    }
    Ok(outcome)
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// Combines shard directories into the final files in `out_dir`, byte-identical to a
/// single-machine sweep. Refuses shards of different sweeps, duplicate or missing shards, and
/// incomplete shards.
pub fn merge(
    dirs: &[PathBuf],
    out_dir: &Path,
    formats: Formats,
) -> Result<SweepOutcome, SweepError> {
    if dirs.is_empty() {
        return Err(SweepError::Other(
            "merge needs at least one shard directory".into(),
        ));
    }
    let mut first: Option<(PathBuf, StoredSpec)> = None;
    let mut by_k: BTreeMap<u32, (PathBuf, JournalContents)> = BTreeMap::new();
    let mut count: Option<(u32, PathBuf)> = None;
    for dir in dirs {
        let sp = dir.join(SPEC_FILE);
        let text = fs::read_to_string(&sp).map_err(|e| SweepError::io(&sp, e))?;
        let stored: StoredSpec = toml::from_str(&text)
            .map_err(|e| SweepError::Other(format!("{}: {}", sp.display(), e.message())))?;
        if stored.spec.hash(&stored.base_hash) != stored.hash {
            return Err(SweepError::Other(format!(
                "{}: stored spec does not match its hash",
                sp.display()
            )));
        }
        let j = read_journal(&dir.join(JOURNAL), Some(stored.spec.metrics.len()))?;
        if j.hash != stored.hash {
            return Err(SweepError::Other(format!(
                "{}: journal and spec belong to different sweeps",
                dir.display()
            )));
        }
        match &first {
            None => first = Some((dir.clone(), stored)),
            Some((d0, s0)) if s0.hash != stored.hash => {
                return Err(SweepError::Other(format!(
                    "{} belongs to a different sweep than {} (hash {} vs {})",
                    dir.display(),
                    d0.display(),
                    short(&stored.hash),
                    short(&s0.hash)
                )));
            }
            _ => {}
        }
        let (k, n) = j.shard;
        match &count {
            None => count = Some((n, dir.clone())),
            Some((n0, d0)) if *n0 != n => {
                return Err(SweepError::Other(format!(
                    "{} is shard {k}/{n} but {} was split into {n0} shards",
                    dir.display(),
                    d0.display()
                )));
            }
            _ => {}
        }
        if let Some((other, _)) = by_k.get(&k) {
            return Err(SweepError::Other(format!(
                "shard {k}/{n} given twice: {} and {}",
                other.display(),
                dir.display()
            )));
        }
        by_k.insert(k, (dir.clone(), j));
    }
    let (_, stored) = first.expect("at least one directory");
    let (n, _) = count.expect("at least one directory");
    let missing: Vec<String> = (1..=n)
        .filter(|k| !by_k.contains_key(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(SweepError::Other(format!(
            "missing shard{} {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        )));
    }
    let spec = stored.spec;
    let seed = spec
        .seed
        .ok_or_else(|| SweepError::Other("stored spec has no seed".into()))?;
    let points = design_points(&spec, seed);
    let total = points.len() as u64 * spec.replications as u64;
    for (k, (dir, j)) in &by_k {
        let expected = (0..total).filter(|i| i % n as u64 == (*k - 1) as u64);
        let missing: Vec<u64> = expected.filter(|i| !j.rows.contains_key(i)).collect();
        if !missing.is_empty() {
            return Err(SweepError::Other(format!(
                "shard {k}/{n} in {} is incomplete: {} run{} missing (first: run {}); finish it with --resume",
                dir.display(),
                missing.len(),
                if missing.len() > 1 { "s" } else { "" },
                missing[0]
            )));
        }
    }
    fs::create_dir_all(out_dir).map_err(|e| SweepError::io(out_dir, e))?;
    let row = |i: u64| by_k[&((i % n as u64) as u32 + 1)].1.rows[&i].clone();
    let files = write_outputs(
        &spec,
        seed,
        &stored.base_hash,
        &stored.hash,
        &points,
        &row,
        out_dir,
        formats,
    )?;
    Ok(SweepOutcome {
        hash: stored.hash,
        points: points.len() as u64,
        runs_total: total,
        runs_in_shard: total,
        runs_resumed: total,
        runs_executed: 0,
        files,
    })
}
