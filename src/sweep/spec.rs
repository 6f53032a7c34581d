//! The sweep file: parsing (serde, `deny_unknown_fields`), `--set` overrides and validation that
//! reports every problem at once, each with its key path and, where the file gives it, its line.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Default cap on the number of runs a sweep may make.
pub const DEFAULT_MAX_RUNS: u64 = 100_000;

/// One problem found in a sweep file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Key path inside the sweep file, e.g. `parameters[1].min` (empty for the whole file).
    pub key: String,
    /// 1-based line and column in the sweep file, when known.
    pub line: Option<(usize, usize)>,
    pub message: String,
}

/// Errors of the sweep engine. `Invalid` carries every validation problem found at once.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{}", fmt_diagnostics(.file, .diagnostics))]
    Invalid {
        file: String,
        diagnostics: Vec<Diagnostic>,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl SweepError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> SweepError {
        SweepError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
    /// An `Invalid` error reported against the sweep file at `path` (with lines where the file
    /// has the key), e.g. from [`SweepSpec::check_against_base`], which only knows the name.
    pub fn located_in(self, path: &Path) -> SweepError {
        match self {
            SweepError::Invalid {
                mut diagnostics, ..
            } => {
                if let Ok(text) = std::fs::read_to_string(path) {
                    for d in &mut diagnostics {
                        if d.line.is_none() && !d.key.is_empty() {
                            d.line = locate(&text, &d.key);
                        }
                    }
                }
                SweepError::Invalid {
                    file: path.display().to_string(),
                    diagnostics,
                }
            }
            other => other,
        }
    }

    /// The diagnostics of an `Invalid` error (empty for other kinds).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            SweepError::Invalid { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}

fn fmt_diagnostics(file: &str, ds: &[Diagnostic]) -> String {
    format_diagnostics(file, "sweep file", ds)
}

/// `FILE: N problems in the WHAT`, then one line per problem with its location and key path.
pub(crate) fn format_diagnostics(file: &str, what: &str, ds: &[Diagnostic]) -> String {
    let mut s = format!(
        "{file}: {} problem{} in the {what}",
        ds.len(),
        if ds.len() == 1 { "" } else { "s" }
    );
    for d in ds {
        s.push_str("\n  ");
        if let Some((l, c)) = d.line {
            s.push_str(&format!("{file}:{l}:{c}: "));
        }
        if !d.key.is_empty() {
            s.push_str(&format!("{}: ", d.key));
        }
        s.push_str(&d.message);
    }
    s
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DesignKind {
    Grid,
    Random,
    Lhs,
    Sobol,
    Morris,
    Saltelli,
}

impl DesignKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DesignKind::Grid => "grid",
            DesignKind::Random => "random",
            DesignKind::Lhs => "lhs",
            DesignKind::Sobol => "sobol",
            DesignKind::Morris => "morris",
            DesignKind::Saltelli => "saltelli",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    #[default]
    Linear,
    Log,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stat {
    Mean,
    Final,
    Min,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResilienceMetric {
    Depth,
    RecoveryQuarters,
    LossAreaQuarters,
    #[serde(rename = "recovery_ratio_4q")]
    RecoveryRatio4q,
    #[serde(rename = "recovery_ratio_8q")]
    RecoveryRatio8q,
    #[serde(rename = "recovery_ratio_12q")]
    RecoveryRatio12q,
    BounceForward,
}

// ----- the file as written -------------------------------------------------------------------

/// A sweep file (`docs/SWEEPS.md`): a base scenario, the parameters varied, the design that
/// picks their values, and the metrics read from every run.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kizuna sweep file")]
struct SweepFile {
    /// Sweep name: a plain file name (`output/<name>/`, `manifest.json`).
    name: Option<String>,
    /// Base scenario: a path relative to the sweep file, or a built-in scenario name.
    base: Option<String>,
    /// Replications per design point (at least 1).
    #[schemars(range(min = 1))]
    replications: Option<i64>,
    /// Sweep seed [default: the base scenario's `run.seed`].
    #[schemars(range(min = 0))]
    seed: Option<i64>,
    /// How points are chosen.
    design: Option<DesignKind>,
    /// Points of a `random`, `lhs` or `sobol` design; base samples N of `saltelli` (N(k+2) points).
    #[schemars(range(min = 1))]
    samples: Option<i64>,
    /// Morris: number of trajectories.
    #[schemars(range(min = 1))]
    trajectories: Option<i64>,
    /// Morris: levels of the grid (even).
    #[schemars(range(min = 2))]
    levels: Option<i64>,
    /// Cap on points × replications [default: 100000].
    #[schemars(range(min = 1))]
    max_runs: Option<i64>,
    /// The parameters varied (at least one).
    #[serde(default)]
    parameters: Vec<ParamFile>,
    /// What is read from every run (at least one).
    #[serde(default)]
    metrics: Vec<MetricFile>,
}

/// A parameter value as a sweep file may list it.
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum ListedValue {
    Number(f64),
    Text(String),
    Flag(bool),
}

/// One varied parameter: `values`, or a range `min`..`max`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ParamFile {
    /// Scenario key path, e.g. `parameters.trust.negativity_weight` or
    /// `programmes[training].dose`; it must exist in the base scenario.
    key: Option<String>,
    /// Explicit values (numbers, strings or booleans, one type).
    #[schemars(with = "Option<Vec<ListedValue>>")]
    values: Option<Vec<toml::Value>>,
    /// Lower end of a numeric range (below `max`).
    #[schemars(with = "Option<f64>")]
    min: Option<toml::Value>,
    /// Upper end of a numeric range.
    #[schemars(with = "Option<f64>")]
    max: Option<toml::Value>,
    /// Grid only: number of values from `min` to `max` inclusive.
    #[schemars(range(min = 1))]
    count: Option<i64>,
    /// `linear` (default) or `log` (needs `min > 0`).
    scale: Option<Scale>,
    /// Round to the nearest integer (automatic when the base value is an integer).
    integer: Option<bool>,
}

/// One metric: `indicator` with `at` or `stat`, or `resilience`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct MetricFile {
    /// Unique metric name (a column of runs.csv; no commas or quotes).
    name: Option<String>,
    /// A time-series column, `<indicator>.<scope>` as in timeseries.csv.
    indicator: Option<String>,
    /// The indicator's value in this quarter, e.g. `2030Q4`.
    #[schemars(regex(pattern = r"^[0-9]{4}Q[1-4]$"))]
    at: Option<String>,
    /// The indicator over the whole run.
    stat: Option<Stat>,
    /// A resilience metric of one shock.
    resilience: Option<ResilienceFile>,
}

/// `resilience = { shock = "…", indicator = "…", metric = "…" }`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ResilienceFile {
    /// Id of a shock of the base scenario that measures resilience.
    shock: String,
    /// One of the scenario's resilience columns.
    indicator: String,
    /// Which metric (definitions in docs/OUTPUTS.md).
    metric: ResilienceMetric,
}

/// The JSON Schema of sweep files, as printed by `kizuna schema sweep`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(SweepFile);
    crate::scenario::json_schema::with_header(
        schema.as_value().clone(),
        SWEEP_SCHEMA_ID,
        &format!("kizuna {} sweep file", env!("CARGO_PKG_VERSION")),
    )
}

/// `$id` of the sweep schema.
pub const SWEEP_SCHEMA_ID: &str = "urn:kizuna:schema:sweep";

// ----- the validated spec --------------------------------------------------------------------

/// Design with its size parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Design {
    Grid,
    Random {
        samples: u64,
    },
    Lhs {
        samples: u64,
    },
    Sobol {
        samples: u64,
    },
    Morris {
        trajectories: u64,
        levels: u32,
    },
    /// `samples` base samples N: N(k+2) points (A, B and AB_i blocks; see `sensitivity`).
    Saltelli {
        samples: u64,
    },
}

impl Design {
    pub fn kind(&self) -> DesignKind {
        match self {
            Design::Grid => DesignKind::Grid,
            Design::Random { .. } => DesignKind::Random,
            Design::Lhs { .. } => DesignKind::Lhs,
            Design::Sobol { .. } => DesignKind::Sobol,
            Design::Morris { .. } => DesignKind::Morris,
            Design::Saltelli { .. } => DesignKind::Saltelli,
        }
    }
}

/// Type of the scenario value a parameter overrides (learnt from the base scenario).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    Float,
    Integer,
    String,
    Bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Domain {
    /// Explicit list, used as given.
    Values(Vec<toml::Value>),
    /// Numeric range; `count` is used by the grid design only.
    Range {
        min: f64,
        max: f64,
        count: Option<u64>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub key: String,
    pub domain: Domain,
    pub scale: Scale,
    pub integer: bool,
    /// Type of the base value; `None` until [`SweepSpec::check_against_base`] ran.
    pub kind: Option<ValueKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MetricKind {
    /// Value of a series column at a quarter (`at`, e.g. `2030Q4`).
    At { indicator: String, at: String },
    /// Statistic of a series column over the run.
    Stat { indicator: String, stat: Stat },
    /// Resilience metric of a column to a shock (by shock id).
    Resilience {
        shock: String,
        indicator: String,
        metric: ResilienceMetric,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub kind: MetricKind,
}

/// A validated sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    pub name: String,
    /// Base scenario path exactly as written (relative to the sweep file).
    pub base: String,
    /// `base` resolved against the sweep file's directory (not part of the sweep hash).
    #[serde(skip, default)]
    pub base_path: PathBuf,
    pub replications: u32,
    /// `None` means "the base scenario's seed"; filled by [`SweepSpec::check_against_base`].
    pub seed: Option<u64>,
    pub design: Design,
    pub max_runs: u64,
    pub parameters: Vec<Parameter>,
    pub metrics: Vec<Metric>,
}

impl SweepSpec {
    /// Number of design points.
    pub fn point_count(&self) -> u64 {
        crate::sweep::design::point_count(self)
    }
    /// Number of runs (points × replications), saturating.
    pub fn run_count(&self) -> u64 {
        self.point_count().saturating_mul(self.replications as u64)
    }
    /// SHA-256 (hex) of the resolved spec together with the base scenario hash. Two journals or
    /// shards belong to the same sweep exactly when these agree.
    pub fn hash(&self, base_hash: &str) -> String {
        let json = serde_json::to_string(self).expect("spec serialises");
        let mut h = Sha256::new();
        h.update(b"kizuna-sweep v1\n");
        h.update(json.as_bytes());
        h.update(b"\n");
        h.update(base_hash.as_bytes());
        hex(&h.finalize())
    }

    /// Checks every parameter key against the base scenario through `lookup` (key path → current
    /// value, or why it does not exist), records each parameter's value type, converts explicit
    /// values to that type, and fills a missing `seed` from the base's `seed` key. Reports all
    /// problems at once.
    pub fn check_against_base(&mut self, lookup: &LookupFn<'_>) -> Result<(), SweepError> {
        let mut ds = Vec::new();
        for (i, p) in self.parameters.iter_mut().enumerate() {
            let at = format!("parameters[{i}]");
            let base = match lookup(&p.key) {
                Ok(v) => v,
                Err(why) => {
                    ds.push(diag(&format!("{at}.key"), format!("`{}`: {why}", p.key)));
                    continue;
                }
            };
            let kind = match &base {
                toml::Value::Float(_) => ValueKind::Float,
                toml::Value::Integer(_) => ValueKind::Integer,
                toml::Value::String(_) => ValueKind::String,
                toml::Value::Boolean(_) => ValueKind::Bool,
                other => {
                    ds.push(diag(
                        &format!("{at}.key"),
                        format!(
                            "`{}` is a {} in the base scenario; only numbers, strings and booleans can be swept",
                            p.key,
                            other.type_str()
                        ),
                    ));
                    continue;
                }
            };
            match (&mut p.domain, kind) {
                (Domain::Range { .. }, ValueKind::String | ValueKind::Bool) => ds.push(diag(
                    &format!("{at}.min"),
                    format!(
                        "`{}` is a {} in the base scenario; give `values = [...]` instead of a range",
                        p.key,
                        base.type_str()
                    ),
                )),
                (Domain::Range { .. }, ValueKind::Integer) => p.integer = true,
                (Domain::Values(vs), _) => {
                    for (j, v) in vs.iter_mut().enumerate() {
                        match convert(v, kind) {
                            Some(c) => *v = c,
                            None => ds.push(diag(
                                &format!("{at}.values[{j}]"),
                                format!(
                                    "{} `{v}` does not fit `{}`, which is a {} in the base scenario",
                                    v.type_str(),
                                    p.key,
                                    base.type_str()
                                ),
                            )),
                        }
                    }
                }
                _ => {}
            }
            p.kind = Some(kind);
        }
        if self.seed.is_none() {
            match lookup("seed") {
                Ok(toml::Value::Integer(s)) if s >= 0 => self.seed = Some(s as u64),
                Ok(other) => ds.push(diag(
                    "seed",
                    format!("the base scenario's seed is not an integer: {other}"),
                )),
                Err(why) => ds.push(diag(
                    "seed",
                    format!("no seed given and the base has none: {why}"),
                )),
            }
        }
        if ds.is_empty() {
            Ok(())
        } else {
            Err(SweepError::Invalid {
                file: self.name.clone(),
                diagnostics: ds,
            })
        }
    }
}

/// Validation callback: scenario key path → current base value, or why it does not exist.
pub type LookupFn<'a> = dyn Fn(&str) -> Result<toml::Value, String> + 'a;

fn convert(v: &toml::Value, kind: ValueKind) -> Option<toml::Value> {
    use toml::Value as V;
    match (v, kind) {
        (V::Float(_), ValueKind::Float)
        | (V::Integer(_), ValueKind::Integer)
        | (V::String(_), ValueKind::String)
        | (V::Boolean(_), ValueKind::Bool) => Some(v.clone()),
        (V::Integer(i), ValueKind::Float) => Some(V::Float(*i as f64)),
        (V::Float(f), ValueKind::Integer) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            Some(V::Integer(*f as i64))
        }
        _ => None,
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn diag(key: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        key: key.to_string(),
        line: None,
        message: message.into(),
    }
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Finds the span of a key path like `parameters[1].min` in the document.
pub(crate) fn locate(text: &str, key: &str) -> Option<(usize, usize)> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut table: &toml_edit::Table = doc.as_table();
    let mut best: Option<usize> = None;
    let mut inline: Option<&toml_edit::InlineTable> = None;
    for seg in key.split('.') {
        let (name, index) = match seg.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        if let Some(it) = inline {
            let k = it.key(name)?;
            best = k.span().map(|s| s.start).or(best);
            break;
        }
        let Some(k) = table.key(name) else { break };
        best = k.span().map(|s| s.start).or(best);
        let item = table.get(name)?;
        match (item, index) {
            (toml_edit::Item::ArrayOfTables(aot), Some(i)) => {
                let t = aot.get(i)?;
                best = t.span().map(|s| s.start).or(best);
                table = t;
            }
            (toml_edit::Item::Value(toml_edit::Value::Array(a)), Some(i)) => {
                best = a.get(i).and_then(|v| v.span()).map(|s| s.start).or(best);
                break;
            }
            (toml_edit::Item::Table(t), None) => table = t,
            (toml_edit::Item::Value(toml_edit::Value::InlineTable(t)), None) => inline = Some(t),
            _ => break,
        }
    }
    best.map(|o| line_col(text, o))
}

/// Applies `key=value` overrides (`--set`) to the top level of a sweep file. The value is parsed
/// as a TOML value, or taken as a string if that fails. Keys are top-level keys such as
/// `replications`, `seed`, `samples`, `design`, `max_runs`.
fn apply_sets(table: &mut toml::Table, sets: &[(String, String)]) -> Vec<Diagnostic> {
    const SETTABLE: [&str; 9] = [
        "name",
        "base",
        "replications",
        "seed",
        "design",
        "samples",
        "trajectories",
        "levels",
        "max_runs",
    ];
    let mut ds = Vec::new();
    for (key, raw) in sets {
        if !SETTABLE.contains(&key.as_str()) {
            ds.push(diag(
                key,
                format!(
                    "--set {key}: only top-level keys can be set ({})",
                    SETTABLE.join(", ")
                ),
            ));
            continue;
        }
        table.insert(key.clone(), parse_value(raw));
    }
    ds
}

pub(crate) fn parse_value(raw: &str) -> toml::Value {
    let doc = format!("v = {raw}");
    match toml::from_str::<toml::Table>(&doc) {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(raw.to_string())),
        Err(_) => toml::Value::String(raw.to_string()),
    }
}

/// Loads and validates a sweep file.
pub fn load_sweep(path: impl AsRef<Path>) -> Result<SweepSpec, SweepError> {
    load_sweep_with(path, &[])
}

/// Loads a sweep file, applies `--set key=value` overrides (`--replications R` is
/// `("replications", "R")`), and validates.
pub fn load_sweep_with(
    path: impl AsRef<Path>,
    sets: &[(String, String)],
) -> Result<SweepSpec, SweepError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| SweepError::io(path, e))?;
    let mut spec = parse_sweep(&text, &path.display().to_string(), sets)?;
    let dir = path.parent().unwrap_or_else(|| Path::new(""));
    spec.base_path = dir.join(&spec.base);
    Ok(spec)
}

/// Splits `key=value` (as given to `--set`).
pub fn parse_set(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("--set expects key=value, got `{arg}`")),
    }
}

/// Parses and validates sweep-file text. `file` is used in messages only. `base_path` is left as
/// `base` (the caller resolves it; [`load_sweep`] resolves it against the file's directory).
pub fn parse_sweep(
    text: &str,
    file: &str,
    sets: &[(String, String)],
) -> Result<SweepSpec, SweepError> {
    let invalid = |diagnostics: Vec<Diagnostic>| SweepError::Invalid {
        file: file.to_string(),
        diagnostics,
    };
    let mut table: toml::Table = toml::from_str(text).map_err(|e: toml::de::Error| {
        invalid(vec![Diagnostic {
            key: String::new(),
            line: e.span().map(|s| line_col(text, s.start)),
            message: e.message().to_string(),
        }])
    })?;
    let set_errors = apply_sets(&mut table, sets);
    if !set_errors.is_empty() {
        return Err(invalid(set_errors));
    }
    let raw: SweepFile = if sets.is_empty() {
        toml::from_str(text).map_err(|e: toml::de::Error| {
            invalid(vec![Diagnostic {
                key: String::new(),
                line: e.span().map(|s| line_col(text, s.start)),
                message: e.message().to_string(),
            }])
        })?
    } else {
        // The path names the key; a key given with --set is reported as coming from there.
        serde_path_to_error::deserialize::<_, SweepFile>(toml::Value::Table(table)).map_err(
            |e| {
                let key = e.path().to_string();
                let key = if key == "." { String::new() } else { key };
                let message = e.inner().message().to_string();
                match sets.iter().find(|(k, _)| key == *k) {
                    Some((k, v)) => invalid(vec![Diagnostic {
                        key: String::new(),
                        line: None,
                        message: format!("--set {k}={v}: {message}"),
                    }]),
                    None => invalid(vec![Diagnostic {
                        line: locate(text, &key),
                        key,
                        message,
                    }]),
                }
            },
        )?
    };
    let mut ds = Vec::new();
    let spec = validate(raw, &mut ds);
    if ds.is_empty() {
        Ok(spec)
    } else {
        for d in &mut ds {
            if let Some((k, v)) = sets.iter().find(|(k, _)| d.key == *k) {
                d.key = String::new();
                d.message = format!("--set {k}={v}: {k} {}", d.message);
            } else if d.line.is_none() && !d.key.is_empty() {
                d.line = locate(text, &d.key);
            }
        }
        Err(invalid(ds))
    }
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

fn validate(raw: SweepFile, ds: &mut Vec<Diagnostic>) -> SweepSpec {
    let req = |key: &str, ds: &mut Vec<Diagnostic>| ds.push(diag(key, "is required"));
    let name = raw.name.clone().unwrap_or_default();
    if raw.name.is_none() {
        req("name", ds);
    } else if let Some(problem) = crate::scenario::validate::output_name_problem(&name) {
        // The name is the default output directory output/<name>/.
        ds.push(diag(
            "name",
            format!(
                "{problem}; allowed: {}",
                crate::scenario::validate::NAME_ALLOWED
            ),
        ));
    }
    let base = raw.base.clone().unwrap_or_default();
    if raw.base.is_none() {
        req("base", ds);
    }
    let replications = match raw.replications {
        None => {
            req("replications", ds);
            1
        }
        Some(r) if r < 1 || r > u32::MAX as i64 => {
            ds.push(diag("replications", format!("must be at least 1, got {r}")));
            1
        }
        Some(r) => r as u32,
    };
    let seed = match raw.seed {
        Some(s) if s < 0 => {
            ds.push(diag("seed", format!("must not be negative, got {s}")));
            None
        }
        s => s.map(|s| s as u64),
    };
    let max_runs = match raw.max_runs {
        None => DEFAULT_MAX_RUNS,
        Some(m) if m < 1 => {
            ds.push(diag("max_runs", format!("must be at least 1, got {m}")));
            DEFAULT_MAX_RUNS
        }
        Some(m) => m as u64,
    };
    let positive = |key: &str, v: Option<i64>, ds: &mut Vec<Diagnostic>, design: &str| -> u64 {
        match v {
            None => {
                ds.push(diag(key, format!("is required for design = \"{design}\"")));
                1
            }
            Some(n) if n < 1 => {
                ds.push(diag(key, format!("must be at least 1, got {n}")));
                1
            }
            Some(n) => n as u64,
        }
    };
    let unused = |key: &str, v: Option<i64>, ds: &mut Vec<Diagnostic>, design: &str| {
        if v.is_some() {
            ds.push(diag(key, format!("is not used by design = \"{design}\"")));
        }
    };
    let design = match raw.design {
        None => {
            req("design", ds);
            Design::Grid
        }
        Some(k) => {
            let d = k.as_str();
            match k {
                DesignKind::Grid => {
                    unused("samples", raw.samples, ds, d);
                    unused("trajectories", raw.trajectories, ds, d);
                    unused("levels", raw.levels, ds, d);
                    Design::Grid
                }
                DesignKind::Random | DesignKind::Lhs | DesignKind::Sobol | DesignKind::Saltelli => {
                    let samples = positive("samples", raw.samples, ds, d);
                    unused("trajectories", raw.trajectories, ds, d);
                    unused("levels", raw.levels, ds, d);
                    match k {
                        DesignKind::Random => Design::Random { samples },
                        DesignKind::Lhs => Design::Lhs { samples },
                        DesignKind::Saltelli => Design::Saltelli { samples },
                        _ => Design::Sobol { samples },
                    }
                }
                DesignKind::Morris => {
                    unused("samples", raw.samples, ds, d);
                    let trajectories = positive("trajectories", raw.trajectories, ds, d);
                    let levels = positive("levels", raw.levels, ds, d);
                    if raw.levels.is_some_and(|l| l >= 1) && (levels < 2 || levels % 2 == 1) {
                        ds.push(diag(
                            "levels",
                            format!("must be an even number ≥ 2 (Δ = p/(2(p−1)) needs p even), got {levels}"),
                        ));
                    }
                    Design::Morris {
                        trajectories,
                        levels: levels.min(1 << 20) as u32,
                    }
                }
            }
        }
    };

    if raw.parameters.is_empty() {
        ds.push(diag(
            "parameters",
            "at least one [[parameters]] entry is required",
        ));
    }
    let mut parameters = Vec::new();
    for (i, p) in raw.parameters.into_iter().enumerate() {
        let at = format!("parameters[{i}]");
        let key = p.key.clone().unwrap_or_default();
        if p.key.is_none() {
            ds.push(diag(&format!("{at}.key"), "is required"));
        } else if key.trim().is_empty() {
            ds.push(diag(&format!("{at}.key"), "must not be empty"));
        } else if parameters.iter().any(|q: &Parameter| q.key == key) {
            ds.push(diag(
                &format!("{at}.key"),
                format!("`{key}` is swept twice"),
            ));
        }
        let scale = p.scale.unwrap_or_default();
        let integer = p.integer.unwrap_or(false);
        let has_range = p.min.is_some() || p.max.is_some() || p.count.is_some();
        let domain = match (p.values, has_range) {
            (Some(_), true) => {
                ds.push(diag(
                    &format!("{at}.values"),
                    "give either `values` or `min`/`max`/`count`, not both",
                ));
                Domain::Values(vec![])
            }
            (None, false) => {
                ds.push(diag(
                    &at,
                    "needs either `values = [...]` or `min` and `max`",
                ));
                Domain::Values(vec![])
            }
            (Some(vs), false) => {
                if vs.is_empty() {
                    ds.push(diag(&format!("{at}.values"), "must not be empty"));
                }
                for (j, v) in vs.iter().enumerate() {
                    let ok = matches!(
                        v,
                        toml::Value::Float(_)
                            | toml::Value::Integer(_)
                            | toml::Value::String(_)
                            | toml::Value::Boolean(_)
                    );
                    if !ok {
                        ds.push(diag(
                            &format!("{at}.values[{j}]"),
                            format!(
                                "must be a number, string or boolean, got a {}",
                                v.type_str()
                            ),
                        ));
                    } else if number(v).is_some() != vs.first().and_then(number).is_some()
                        || (number(v).is_none() && v.type_str() != vs[0].type_str())
                    {
                        ds.push(diag(
                            &format!("{at}.values[{j}]"),
                            "all values of a parameter must have the same type",
                        ));
                    }
                    if scale == Scale::Log && !number(v).is_some_and(|x| x > 0.0) {
                        ds.push(diag(
                            &format!("{at}.values[{j}]"),
                            "scale = \"log\" needs positive numbers",
                        ));
                    }
                }
                let vs = if integer {
                    vs.into_iter()
                        .map(|v| match number(&v) {
                            Some(x) => toml::Value::Integer(x.round() as i64),
                            None => v,
                        })
                        .collect()
                } else {
                    vs
                };
                Domain::Values(vs)
            }
            (None, true) => {
                let num = |name: &str, v: Option<toml::Value>, ds: &mut Vec<Diagnostic>| -> f64 {
                    match v {
                        None => {
                            ds.push(diag(&format!("{at}.{name}"), "is required with a range"));
                            f64::NAN
                        }
                        Some(v) => match number(&v) {
                            Some(x) if x.is_finite() => x,
                            _ => {
                                ds.push(diag(
                                    &format!("{at}.{name}"),
                                    format!("must be a finite number, got {v}"),
                                ));
                                f64::NAN
                            }
                        },
                    }
                };
                let min = num("min", p.min, ds);
                let max = num("max", p.max, ds);
                let count = match (p.count, raw.design) {
                    (None, Some(DesignKind::Grid)) => {
                        ds.push(diag(
                            &format!("{at}.count"),
                            "is required with a range in a grid design",
                        ));
                        None
                    }
                    (Some(c), _) if c < 1 => {
                        ds.push(diag(
                            &format!("{at}.count"),
                            format!("must be at least 1, got {c}"),
                        ));
                        None
                    }
                    (c, _) => c.map(|c| c as u64),
                };
                if min.is_finite() && max.is_finite() {
                    if min > max || (min == max && count != Some(1)) {
                        ds.push(diag(
                            &format!("{at}.max"),
                            format!("must be greater than min ({min}), got {max}"),
                        ));
                    }
                    if count == Some(1) && min != max {
                        ds.push(diag(
                            &format!("{at}.count"),
                            "count = 1 needs min = max (use values = [x] for a fixed value)",
                        ));
                    }
                    if scale == Scale::Log && min <= 0.0 {
                        ds.push(diag(
                            &format!("{at}.min"),
                            format!("scale = \"log\" needs min > 0, got {min}"),
                        ));
                    }
                }
                Domain::Range { min, max, count }
            }
        };
        parameters.push(Parameter {
            key,
            domain,
            scale,
            integer,
            kind: None,
        });
    }

    if raw.metrics.is_empty() {
        ds.push(diag(
            "metrics",
            "at least one [[metrics]] entry is required",
        ));
    }
    let mut metrics: Vec<Metric> = Vec::new();
    for (i, m) in raw.metrics.into_iter().enumerate() {
        let at = format!("metrics[{i}]");
        let name = m.name.clone().unwrap_or_default();
        if m.name.is_none() {
            ds.push(diag(&format!("{at}.name"), "is required"));
        } else if name.trim().is_empty()
            || name.contains(',')
            || name.contains('"')
            || name.contains('\n')
        {
            ds.push(diag(
                &format!("{at}.name"),
                "must be non-empty and contain no comma, quote or newline",
            ));
        } else if metrics.iter().any(|q| q.name == name) {
            ds.push(diag(
                &format!("{at}.name"),
                format!("metric `{name}` is defined twice"),
            ));
        } else if ["point_id", "replication", "seed"].contains(&name.as_str())
            || parameters.iter().any(|p| p.key == name)
        {
            ds.push(diag(
                &format!("{at}.name"),
                format!("`{name}` clashes with another column of runs.csv"),
            ));
        }
        let kind = match (m.indicator, m.resilience) {
            (Some(_), Some(_)) => {
                ds.push(diag(
                    &at,
                    "give either `indicator` (with `at` or `stat`) or `resilience`, not both",
                ));
                None
            }
            (None, None) => {
                ds.push(diag(&at, "needs `indicator` (with `at` or `stat`) or `resilience = { shock, indicator, metric }`"));
                None
            }
            (Some(ind), None) => {
                match (m.at, m.stat) {
                    (Some(_), Some(_)) => {
                        ds.push(diag(
                            &format!("{at}.at"),
                            "give either `at` or `stat`, not both",
                        ));
                        None
                    }
                    (None, None) => {
                        ds.push(diag(&format!("{at}.indicator"), "needs `at = \"YYYYQn\"` or `stat = \"mean\"|\"final\"|\"min\"|\"max\"`"));
                        None
                    }
                    (Some(q), None) => {
                        if crate::model::time::Quarter::parse(&q).is_none() {
                            ds.push(diag(
                                &format!("{at}.at"),
                                format!("`{q}` is not a quarter like 2030Q4"),
                            ));
                        }
                        Some(MetricKind::At {
                            indicator: ind,
                            at: q,
                        })
                    }
                    (None, Some(stat)) => Some(MetricKind::Stat {
                        indicator: ind,
                        stat,
                    }),
                }
            }
            (None, Some(r)) => {
                if m.at.is_some() || m.stat.is_some() {
                    ds.push(diag(
                        &format!("{at}.resilience"),
                        "`at`/`stat` do not apply to a resilience metric",
                    ));
                }
                Some(MetricKind::Resilience {
                    shock: r.shock,
                    indicator: r.indicator,
                    metric: r.metric,
                })
            }
        };
        if let Some(kind) = kind {
            metrics.push(Metric { name, kind });
        }
    }

    if let Design::Sobol { .. } = design
        && parameters.len() > crate::sweep::sobol::MAX_DIMENSIONS
    {
        ds.push(diag(
            "parameters",
            format!(
                "the Sobol design supports up to {} parameters, got {}",
                crate::sweep::sobol::MAX_DIMENSIONS,
                parameters.len()
            ),
        ));
    }

    if let Design::Saltelli { .. } = design
        && parameters.len() > crate::sweep::sensitivity::MAX_PARAMETERS
    {
        ds.push(diag(
            "parameters",
            format!(
                "the Saltelli design supports up to {} parameters (it needs 2k Sobol dimensions), got {}",
                crate::sweep::sensitivity::MAX_PARAMETERS,
                parameters.len()
            ),
        ));
    }

    let spec = SweepSpec {
        name,
        base: base.clone(),
        base_path: PathBuf::from(base),
        replications,
        seed,
        design,
        max_runs,
        parameters,
        metrics,
    };
    // The run count only makes sense for an otherwise valid spec.
    if ds.is_empty() {
        let points = spec.point_count();
        let runs = spec.run_count();
        if runs > spec.max_runs {
            ds.push(diag(
                "max_runs",
                format!(
                    "the {} design makes {runs} runs ({points} points × {} replications), more than max_runs = {}; \
                     reduce the design or raise max_runs",
                    spec.design.kind().as_str(),
                    spec.replications,
                    spec.max_runs
                ),
            ));
        }
    }
    spec
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((l, c)) = self.line {
            write!(f, "{l}:{c}: ")?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}
