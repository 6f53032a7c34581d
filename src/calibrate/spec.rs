//! The calibration file (`docs/CALIBRATION.md`): parsing and validation that reports every
//! problem at once, each with its key path and line, unknown keys with a suggestion.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::sweep::spec::{Diagnostic, Scale, format_diagnostics, line_col, locate};

/// Errors of the calibration engine. `Invalid` carries every problem found at once.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    #[error("{}", format_diagnostics(.file, "calibration file", .diagnostics))]
    Invalid {
        file: String,
        diagnostics: Vec<Diagnostic>,
    },
    #[error("{0}")]
    Other(String),
}

impl CalibrationError {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            CalibrationError::Invalid { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}

/// The algorithm and its budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Algorithm {
    /// ABC-SMC (population Monte Carlo): `particles` per generation, at most `generations`,
    /// tolerance of generation t = the `quantile` of generation t−1's distances; stops early when
    /// a generation's acceptance rate would fall below `min_acceptance` or the model evaluations
    /// reach `max_evaluations`.
    AbcSmc {
        particles: u32,
        generations: u32,
        quantile: f64,
        min_acceptance: f64,
        max_evaluations: u64,
    },
    /// Nelder–Mead on the prior box (in prior units scaled to [0, 1]) from the base values.
    NelderMead {
        max_evaluations: u64,
        tolerance: f64,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioSpec {
    pub id: String,
    /// As written: a path relative to the calibration file, or a built-in name.
    pub file: String,
    /// `key=value` overrides applied to the scenario before calibrating (e.g. a shorter horizon).
    pub set: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterSpec {
    /// Scenario key path, dotted, optionally ending in one array index, e.g.
    /// `parameters.entry.threshold` or `parameters.talent.places_per_1000_working_age_q[0]`.
    pub key: String,
    pub min: f64,
    pub max: f64,
    pub scale: Scale,
    /// One value per scenario instead of one shared value.
    pub pair_specific: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetSpec {
    pub scenario: String,
    /// Data series name (`series` column of the data files, see `observed::MAPPINGS`).
    pub series: String,
    /// Scope (`country_pair` column): a pair `VNM-JPN` or a country `VNM`.
    pub scope: String,
    pub weight: f64,
}

/// A pattern target: the mean of an indicator column over years `from..=to` should lie in
/// `[min, max]`; outside, the distance grows with the gap relative to the width.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternSpec {
    pub scenario: String,
    /// Indicator column, e.g. `trouble_share_8q.VNM-JPN`.
    pub column: String,
    pub from: i32,
    pub to: i32,
    pub min: f64,
    pub max: f64,
    pub weight: f64,
}

/// A validated calibration file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationSpec {
    pub name: String,
    pub seed: u64,
    /// Model replications per evaluation (the model value is their median).
    pub replications: u32,
    /// Data directory as written (relative to the file); `None` = the built-in copies of `data/`.
    pub data: Option<String>,
    #[serde(skip)]
    pub data_path: Option<PathBuf>,
    #[serde(skip)]
    pub dir: PathBuf,
    /// Training and hold-out windows, inclusive years.
    pub train: (i32, i32),
    pub holdout: Option<(i32, i32)>,
    pub algorithm: Algorithm,
    pub scenarios: Vec<ScenarioSpec>,
    pub parameters: Vec<ParameterSpec>,
    pub targets: Vec<TargetSpec>,
    pub patterns: Vec<PatternSpec>,
}

impl CalibrationSpec {
    /// SHA-256 (hex) of the resolved spec with the scenario hashes: a journal belongs to a
    /// calibration exactly when these agree.
    ///
    /// The budget (ABC `generations`, `max_evaluations`, `min_acceptance`; Nelder–Mead
    /// `max_evaluations`, `tolerance`) is left out: it decides only where the algorithm stops,
    /// never what an evaluation proposes, so a calibration can be resumed with a larger or smaller
    /// budget and reuses every journaled evaluation.
    pub fn hash(&self, scenario_hashes: &[String]) -> String {
        let mut unbudgeted = self.clone();
        unbudgeted.algorithm = match &self.algorithm {
            Algorithm::AbcSmc {
                particles,
                quantile,
                ..
            } => Algorithm::AbcSmc {
                particles: *particles,
                generations: 0,
                quantile: *quantile,
                min_acceptance: 0.0,
                max_evaluations: 0,
            },
            Algorithm::NelderMead { .. } => Algorithm::NelderMead {
                max_evaluations: 0,
                tolerance: 0.0,
            },
        };
        let json = serde_json::to_string(&unbudgeted).expect("spec serialises");
        let mut h = Sha256::new();
        h.update(b"kizuna-calibration v1\n");
        h.update(json.as_bytes());
        for s in scenario_hashes {
            h.update(b"\n");
            h.update(s.as_bytes());
        }
        crate::sweep::spec::hex(&h.finalize())
    }

    /// Where the scenario file of `s` is: a path relative to the calibration file when such a
    /// file exists, else the text as given (a built-in name).
    pub fn scenario_source(&self, s: &ScenarioSpec) -> String {
        let p = self.dir.join(&s.file);
        if p.exists() {
            p.display().to_string()
        } else {
            s.file.clone()
        }
    }

    /// Internal (uniform-prior) coordinates: one per shared parameter, one per scenario for a
    /// pair-specific one. Returns (parameter index, scenario index or None) per coordinate.
    pub fn coordinates(&self) -> Vec<(usize, Option<usize>)> {
        let mut out = Vec::new();
        for (p, param) in self.parameters.iter().enumerate() {
            if param.pair_specific {
                out.extend((0..self.scenarios.len()).map(|s| (p, Some(s))));
            } else {
                out.push((p, None));
            }
        }
        out
    }

    /// Column label of a coordinate: the key, with `@scenario` for a pair-specific one.
    pub fn coordinate_label(&self, c: (usize, Option<usize>)) -> String {
        match c.1 {
            Some(s) => format!("{}@{}", self.parameters[c.0].key, self.scenarios[s].id),
            None => self.parameters[c.0].key.clone(),
        }
    }
}

fn diag(key: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        key: key.to_string(),
        line: None,
        message: message.into(),
    }
}

/// Reads typed values from a TOML table, collecting problems.
struct Reader<'d> {
    ds: &'d mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn unknown(&mut self, t: &toml::Table, at: &str, allowed: &[&str]) {
        for k in t.keys() {
            if !allowed.contains(&k.as_str()) {
                let hint = match suggest(k, allowed) {
                    Some(a) => format!("; did you mean `{a}`?"),
                    None => ";".to_string(),
                };
                self.ds.push(diag(
                    &join(at, k),
                    format!("unknown key{hint} allowed: {}", allowed.join(", ")),
                ));
            }
        }
    }

    fn string(&mut self, t: &toml::Table, at: &str, key: &str, required: bool) -> Option<String> {
        match t.get(key) {
            None if required => {
                self.ds.push(diag(&join(at, key), "is required"));
                None
            }
            None => None,
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(v) => {
                self.ds.push(diag(
                    &join(at, key),
                    format!("must be a string, found {}", v.type_str()),
                ));
                None
            }
        }
    }

    fn number(&mut self, t: &toml::Table, at: &str, key: &str, required: bool) -> Option<f64> {
        match t.get(key) {
            None if required => {
                self.ds.push(diag(&join(at, key), "is required"));
                None
            }
            None => None,
            Some(toml::Value::Float(f)) if f.is_finite() => Some(*f),
            Some(toml::Value::Integer(i)) => Some(*i as f64),
            Some(v) => {
                self.ds.push(diag(
                    &join(at, key),
                    format!("must be a finite number, found {v}"),
                ));
                None
            }
        }
    }

    /// An integer in `lo..=hi`.
    fn integer(
        &mut self,
        t: &toml::Table,
        at: &str,
        key: &str,
        required: bool,
        (lo, hi): (i64, i64),
    ) -> Option<i64> {
        match t.get(key) {
            None if required => {
                self.ds.push(diag(&join(at, key), "is required"));
                None
            }
            None => None,
            Some(toml::Value::Integer(i)) if (lo..=hi).contains(i) => Some(*i),
            Some(v) => {
                self.ds.push(diag(
                    &join(at, key),
                    format!("must be an integer from {lo} to {hi}, found {v}"),
                ));
                None
            }
        }
    }

    fn boolean(&mut self, t: &toml::Table, at: &str, key: &str) -> Option<bool> {
        match t.get(key) {
            None => None,
            Some(toml::Value::Boolean(b)) => Some(*b),
            Some(v) => {
                self.ds.push(diag(
                    &join(at, key),
                    format!("must be true or false, found {v}"),
                ));
                None
            }
        }
    }

    fn table<'t>(&mut self, t: &'t toml::Table, at: &str, key: &str) -> Option<&'t toml::Table> {
        match t.get(key) {
            None => None,
            Some(toml::Value::Table(x)) => Some(x),
            Some(v) => {
                self.ds.push(diag(
                    &join(at, key),
                    format!("must be a table, found {}", v.type_str()),
                ));
                None
            }
        }
    }

    /// An array of tables (`[[key]]`), with the key path of each entry.
    fn tables<'t>(&mut self, t: &'t toml::Table, key: &str) -> Vec<(String, &'t toml::Table)> {
        match t.get(key) {
            None => Vec::new(),
            Some(toml::Value::Array(a)) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    toml::Value::Table(x) => Some((format!("{key}[{i}]"), x)),
                    other => {
                        self.ds.push(diag(
                            &format!("{key}[{i}]"),
                            format!("must be a table, found {}", other.type_str()),
                        ));
                        None
                    }
                })
                .collect(),
            Some(v) => {
                self.ds.push(diag(
                    key,
                    format!(
                        "must be an array of tables ([[{key}]]), found {}",
                        v.type_str()
                    ),
                ));
                Vec::new()
            }
        }
    }

    /// `[first, last]` years.
    fn window(
        &mut self,
        t: &toml::Table,
        at: &str,
        key: &str,
        required: bool,
    ) -> Option<(i32, i32)> {
        let k = join(at, key);
        match t.get(key) {
            None if required => {
                self.ds.push(diag(&k, "is required"));
                None
            }
            None => None,
            Some(toml::Value::Array(a))
                if a.len() == 2 && a.iter().all(|v| matches!(v, toml::Value::Integer(_))) =>
            {
                let y: Vec<i64> = a.iter().filter_map(|v| v.as_integer()).collect();
                if !(1900..=2200).contains(&y[0]) || !(1900..=2200).contains(&y[1]) || y[0] > y[1] {
                    self.ds.push(diag(
                        &k,
                        format!("must be [first, last] years with 1900 ≤ first ≤ last ≤ 2200, found [{}, {}]", y[0], y[1]),
                    ));
                    return None;
                }
                Some((y[0] as i32, y[1] as i32))
            }
            Some(v) => {
                self.ds.push(diag(
                    &k,
                    format!("must be [first year, last year], found {v}"),
                ));
                None
            }
        }
    }
}

/// The closest allowed name: at most 2 edits (transpositions count as one), or a long common start.
fn suggest<'a>(wanted: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| {
            (
                strsim::osa_distance(wanted, a),
                -strsim::jaro_winkler(wanted, a),
                *a,
            )
        })
        .filter(|(d, jw, _)| *d <= 2 || -*jw > 0.9)
        .min_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)))
        .map(|x| x.2)
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// The keys of each table of a calibration file (the schema in `schema.rs` is checked against
/// them).
pub(crate) const WINDOW_KEYS: [&str; 2] = ["train", "holdout"];
pub(crate) const ABC_SMC_KEYS: [&str; 6] = [
    "kind",
    "particles",
    "generations",
    "quantile",
    "min_acceptance",
    "max_evaluations",
];
pub(crate) const NELDER_MEAD_KEYS: [&str; 3] = ["kind", "max_evaluations", "tolerance"];
pub(crate) const SCENARIO_KEYS: [&str; 3] = ["id", "file", "set"];
pub(crate) const PARAMETER_KEYS: [&str; 5] = ["key", "min", "max", "scale", "pair_specific"];
pub(crate) const TARGET_KEYS: [&str; 4] = ["scenario", "series", "scope", "weight"];
pub(crate) const PATTERN_KEYS: [&str; 7] =
    ["scenario", "column", "from", "to", "min", "max", "weight"];

pub(crate) const TOP_KEYS: [&str; 11] = [
    "name",
    "seed",
    "replications",
    "data",
    "windows",
    "algorithm",
    "scenarios",
    "parameters",
    "targets",
    "patterns",
    "description",
];

/// Loads and validates a calibration file (problems located by line; data and scenarios are
/// checked later, against the loaded scenarios, by `prepare`).
pub fn load_calibration(path: &Path) -> Result<CalibrationSpec, CalibrationError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CalibrationError::Other(format!("{}: {e}", path.display())))?;
    let mut spec = parse_calibration(&text, &path.display().to_string())?;
    spec.dir = path.parent().unwrap_or_else(|| Path::new("")).to_path_buf();
    spec.data_path = spec.data.as_ref().map(|d| spec.dir.join(d));
    Ok(spec)
}

/// Parses and validates calibration-file text; `file` is used in messages.
pub fn parse_calibration(text: &str, file: &str) -> Result<CalibrationSpec, CalibrationError> {
    let invalid = |diagnostics: Vec<Diagnostic>| CalibrationError::Invalid {
        file: file.to_string(),
        diagnostics,
    };
    let table: toml::Table = toml::from_str(text).map_err(|e: toml::de::Error| {
        invalid(vec![Diagnostic {
            key: String::new(),
            line: e.span().map(|s| line_col(text, s.start)),
            message: e.message().to_string(),
        }])
    })?;
    let mut ds = Vec::new();
    let spec = validate(&table, &mut ds);
    if ds.is_empty() {
        Ok(spec)
    } else {
        for d in &mut ds {
            if d.line.is_none() && !d.key.is_empty() {
                d.line = locate(text, &d.key);
            }
        }
        Err(invalid(ds))
    }
}

fn validate(t: &toml::Table, ds: &mut Vec<Diagnostic>) -> CalibrationSpec {
    let mut r = Reader { ds };
    r.unknown(t, "", &TOP_KEYS);
    let _ = r.string(t, "", "description", false);
    let name = r.string(t, "", "name", true).unwrap_or_default();
    if !name.is_empty()
        && let Some(problem) = crate::scenario::validate::output_name_problem(&name)
    {
        r.ds.push(diag(
            "name",
            format!(
                "{problem}; allowed: {}",
                crate::scenario::validate::NAME_ALLOWED
            ),
        ));
    }
    let seed = r.integer(t, "", "seed", true, (0, i64::MAX)).unwrap_or(0) as u64;
    let replications = r
        .integer(t, "", "replications", false, (1, 1000))
        .unwrap_or(1) as u32;
    let data = r.string(t, "", "data", false);

    let (mut train, mut holdout) = ((0, 0), None);
    match r.table(t, "", "windows") {
        Some(w) => {
            r.unknown(w, "windows", &WINDOW_KEYS);
            train = r.window(w, "windows", "train", true).unwrap_or((0, 0));
            holdout = r.window(w, "windows", "holdout", false);
            if let Some((h0, _)) = holdout
                && train.1 != 0
                && h0 <= train.1
            {
                r.ds.push(diag(
                    "windows.holdout",
                    format!(
                        "must start after the training window ends ({}), found {h0}",
                        train.1
                    ),
                ));
            }
        }
        None => r.ds.push(diag(
            "windows",
            "is required: [windows] train = [first, last]",
        )),
    }

    let algorithm = match r.table(t, "", "algorithm") {
        None => {
            r.ds.push(diag(
                "algorithm",
                "is required: [algorithm] kind = \"abc-smc\" or \"nelder-mead\"",
            ));
            Algorithm::NelderMead {
                max_evaluations: 1,
                tolerance: 0.0,
            }
        }
        Some(a) => {
            let kind = r.string(a, "algorithm", "kind", true).unwrap_or_default();
            match kind.as_str() {
                "abc-smc" => {
                    r.unknown(a, "algorithm", &ABC_SMC_KEYS);
                    let particles = r
                        .integer(a, "algorithm", "particles", true, (4, 1_000_000))
                        .unwrap_or(4) as u32;
                    let generations = r
                        .integer(a, "algorithm", "generations", true, (1, 1000))
                        .unwrap_or(1) as u32;
                    let quantile = r.number(a, "algorithm", "quantile", false).unwrap_or(0.5);
                    if !(quantile > 0.0 && quantile < 1.0) {
                        r.ds.push(diag(
                            "algorithm.quantile",
                            format!("must be in (0, 1), found {quantile}"),
                        ));
                    }
                    let min_acceptance = r
                        .number(a, "algorithm", "min_acceptance", false)
                        .unwrap_or(0.01);
                    if !(min_acceptance > 0.0 && min_acceptance <= 1.0) {
                        r.ds.push(diag(
                            "algorithm.min_acceptance",
                            format!("must be in (0, 1], found {min_acceptance}"),
                        ));
                    }
                    let max_evaluations = r
                        .integer(a, "algorithm", "max_evaluations", false, (1, i64::MAX))
                        .map_or(u64::MAX, |v| v as u64);
                    Algorithm::AbcSmc {
                        particles,
                        generations,
                        quantile,
                        min_acceptance,
                        max_evaluations,
                    }
                }
                "nelder-mead" => {
                    r.unknown(a, "algorithm", &NELDER_MEAD_KEYS);
                    let max_evaluations = r
                        .integer(a, "algorithm", "max_evaluations", true, (2, i64::MAX))
                        .unwrap_or(2) as u64;
                    let tolerance = r.number(a, "algorithm", "tolerance", false).unwrap_or(1e-6);
                    if tolerance < 0.0 {
                        r.ds.push(diag(
                            "algorithm.tolerance",
                            format!("must not be negative, found {tolerance}"),
                        ));
                    }
                    Algorithm::NelderMead {
                        max_evaluations,
                        tolerance,
                    }
                }
                "" => Algorithm::NelderMead {
                    max_evaluations: 1,
                    tolerance: 0.0,
                },
                other => {
                    r.ds.push(diag(
                        "algorithm.kind",
                        format!("unknown algorithm `{other}`; allowed: abc-smc, nelder-mead"),
                    ));
                    Algorithm::NelderMead {
                        max_evaluations: 1,
                        tolerance: 0.0,
                    }
                }
            }
        }
    };

    let mut scenarios: Vec<ScenarioSpec> = Vec::new();
    for (at, s) in r.tables(t, "scenarios") {
        r.unknown(s, &at, &SCENARIO_KEYS);
        let id = r.string(s, &at, "id", true).unwrap_or_default();
        let file = r.string(s, &at, "file", true).unwrap_or_default();
        if !id.is_empty() && scenarios.iter().any(|x| x.id == id) {
            r.ds.push(diag(
                &format!("{at}.id"),
                format!("`{id}` is given twice; ids must be unique"),
            ));
        }
        if !id.is_empty()
            && !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            r.ds.push(diag(
                &format!("{at}.id"),
                "allowed: letters, digits, `_` and `-`",
            ));
        }
        let set = match s.get("set") {
            None => Vec::new(),
            Some(toml::Value::Array(a)) if a.iter().all(|v| v.is_str()) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            Some(v) => {
                r.ds.push(diag(
                    &format!("{at}.set"),
                    format!("must be an array of \"key.path=value\" strings, found {v}"),
                ));
                Vec::new()
            }
        };
        scenarios.push(ScenarioSpec { id, file, set });
    }
    if scenarios.is_empty() {
        r.ds.push(diag(
            "scenarios",
            "is required: at least one [[scenarios]] id = \"…\" file = \"…\"",
        ));
    }
    let ids: Vec<String> = scenarios.iter().map(|s| s.id.clone()).collect();
    let check_scenario = |r: &mut Reader, key: &str, id: &str| {
        if !id.is_empty() && !ids.iter().any(|i| i == id) {
            r.ds.push(diag(
                key,
                format!("no scenario with id `{id}`; allowed: {}", ids.join(", ")),
            ));
        }
    };

    let mut parameters: Vec<ParameterSpec> = Vec::new();
    for (at, p) in r.tables(t, "parameters") {
        r.unknown(p, &at, &PARAMETER_KEYS);
        let key = r.string(p, &at, "key", true).unwrap_or_default();
        // Written back to best.toml as a dotted key, so only table keys and one final index;
        // compared in printed form, so `q[00]` and `q[0]` are the same parameter.
        let canonical = crate::scenario::keypath::KeyPath::parse(&key)
            .ok()
            .and_then(|path| path.split_trailing_index().map(|_| path.to_string()));
        match &canonical {
            None if !key.is_empty() => r.ds.push(diag(
                &format!("{at}.key"),
                format!(
                    "`{key}`: only dotted key paths, optionally ending in one array index (`a.b[2]`), can be calibrated"
                ),
            )),
            Some(c) if parameters.iter().any(|x| &x.key == c) => r.ds.push(diag(
                &format!("{at}.key"),
                format!("`{key}` is given twice"),
            )),
            _ => {}
        }
        let key = canonical.unwrap_or(key);
        let min = r.number(p, &at, "min", true);
        let max = r.number(p, &at, "max", true);
        let scale = match r.string(p, &at, "scale", false).as_deref() {
            None | Some("linear") => Scale::Linear,
            Some("log") => Scale::Log,
            Some(other) => {
                r.ds.push(diag(
                    &format!("{at}.scale"),
                    format!("unknown scale `{other}`; allowed: linear, log"),
                ));
                Scale::Linear
            }
        };
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo >= hi {
                r.ds.push(diag(
                    &format!("{at}.max"),
                    format!("must be greater than min ({lo}), found {hi}"),
                ));
            }
            if scale == Scale::Log && lo <= 0.0 {
                r.ds.push(diag(
                    &format!("{at}.min"),
                    format!("must be positive on a log scale, found {lo}"),
                ));
            }
        }
        let pair_specific = r.boolean(p, &at, "pair_specific").unwrap_or(false);
        parameters.push(ParameterSpec {
            key,
            min: min.unwrap_or(0.0),
            max: max.unwrap_or(1.0),
            scale,
            pair_specific,
        });
    }
    if parameters.is_empty() {
        r.ds.push(diag(
            "parameters",
            "is required: at least one [[parameters]] key = \"…\" min = … max = …",
        ));
    }

    let mut targets = Vec::new();
    for (at, g) in r.tables(t, "targets") {
        r.unknown(g, &at, &TARGET_KEYS);
        let scenario = r.string(g, &at, "scenario", true).unwrap_or_default();
        check_scenario(&mut r, &format!("{at}.scenario"), &scenario);
        let series = r.string(g, &at, "series", true).unwrap_or_default();
        if !series.is_empty() && !crate::observed::MAPPINGS.iter().any(|m| m.series == series) {
            let names: Vec<&str> = crate::observed::MAPPINGS.iter().map(|m| m.series).collect();
            let best = suggest(&series, &names)
                .map(|a| format!("did you mean `{a}`? "))
                .unwrap_or_default();
            r.ds.push(diag(
                &format!("{at}.series"),
                format!(
                    "`{series}` is not a mapped data series; {best}allowed: {}",
                    names.join(", ")
                ),
            ));
        }
        let scope = r.string(g, &at, "scope", true).unwrap_or_default();
        let weight = r.number(g, &at, "weight", false).unwrap_or(1.0);
        if weight <= 0.0 {
            r.ds.push(diag(
                &format!("{at}.weight"),
                format!("must be positive, found {weight}"),
            ));
        }
        targets.push(TargetSpec {
            scenario,
            series,
            scope,
            weight,
        });
    }
    let mut patterns = Vec::new();
    for (at, g) in r.tables(t, "patterns") {
        r.unknown(g, &at, &PATTERN_KEYS);
        let scenario = r.string(g, &at, "scenario", true).unwrap_or_default();
        check_scenario(&mut r, &format!("{at}.scenario"), &scenario);
        let column = r.string(g, &at, "column", true).unwrap_or_default();
        let from = r.integer(g, &at, "from", true, (1900, 2200)).unwrap_or(0) as i32;
        let to = r.integer(g, &at, "to", true, (1900, 2200)).unwrap_or(0) as i32;
        if from > to {
            r.ds.push(diag(
                &format!("{at}.to"),
                format!("must not be before from ({from}), found {to}"),
            ));
        }
        let min = r.number(g, &at, "min", true).unwrap_or(0.0);
        let max = r.number(g, &at, "max", true).unwrap_or(1.0);
        if min >= max {
            r.ds.push(diag(
                &format!("{at}.max"),
                format!("must be greater than min ({min}), found {max}"),
            ));
        }
        let weight = r.number(g, &at, "weight", false).unwrap_or(1.0);
        if weight <= 0.0 {
            r.ds.push(diag(
                &format!("{at}.weight"),
                format!("must be positive, found {weight}"),
            ));
        }
        patterns.push(PatternSpec {
            scenario,
            column,
            from,
            to,
            min,
            max,
            weight,
        });
    }
    if targets.is_empty() && patterns.is_empty() {
        r.ds.push(diag(
            "targets",
            "is required: at least one [[targets]] or [[patterns]] entry",
        ));
    }
    CalibrationSpec {
        name,
        seed,
        replications,
        data,
        data_path: None,
        dir: PathBuf::new(),
        train,
        holdout,
        algorithm,
        scenarios,
        parameters,
        targets,
        patterns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "toy"
seed = 7
[windows]
train = [1995, 2010]
holdout = [2011, 2015]
[algorithm]
kind = "abc-smc"
particles = 50
generations = 3
[[scenarios]]
id = "vj"
file = "vietnam_japan"
[[parameters]]
key = "parameters.entry.threshold"
min = 20.0
max = 22.0
[[targets]]
scenario = "vj"
series = "trade_total_vnm_jpn"
scope = "VNM-JPN"
"#;

    #[test]
    fn a_good_file_parses_with_defaults() {
        let s = parse_calibration(GOOD, "c.toml").unwrap();
        assert_eq!(s.replications, 1);
        assert_eq!(s.train, (1995, 2010));
        assert!(
            matches!(s.algorithm, Algorithm::AbcSmc { particles: 50, quantile, .. } if quantile == 0.5)
        );
        assert_eq!(s.coordinates(), vec![(0, None)]);
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_a_line() {
        let text = GOOD.replace("min = 20.0", "mni = 20.0");
        let e = parse_calibration(&text, "c.toml").unwrap_err();
        let d = e.diagnostics();
        let unknown = d.iter().find(|d| d.key == "parameters[0].mni").unwrap();
        assert!(
            unknown.message.contains("did you mean `min`"),
            "{}",
            unknown.message
        );
        assert_eq!(unknown.line.map(|l| l.0), Some(16));
        assert!(
            d.iter()
                .any(|d| d.key == "parameters[0].min" && d.message == "is required")
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = GOOD
            .replace("scenario = \"vj\"", "scenario = \"xx\"")
            .replace("max = 22.0", "max = 19.0")
            .replace("holdout = [2011, 2015]", "holdout = [2005, 2015]");
        let e = parse_calibration(&text, "c.toml").unwrap_err();
        let keys: Vec<&str> = e.diagnostics().iter().map(|d| d.key.as_str()).collect();
        assert!(keys.contains(&"targets[0].scenario"), "{keys:?}");
        assert!(keys.contains(&"parameters[0].max"), "{keys:?}");
        assert!(keys.contains(&"windows.holdout"), "{keys:?}");
        assert!(
            e.to_string().contains("3 problems in the calibration file"),
            "{e}"
        );
    }
}
