//! The objective on the real model: scenarios with the free parameters set, run without
//! counterfactuals, their annual values compared with the data of the targets.
//!
//! Distance of an evaluation (training window only):
//! D = sqrt( (Σ_g w_g · MSLE_g + Σ_p w_p · e_p²) / (Σ_g w_g + Σ_p w_p) ), where g runs over the
//! target series, MSLE_g is the mean over g's training years with a positive observation of
//! (ln m − ln o)² (a model value below o/1000, or missing, counts as o/1000), and e_p is a pattern
//! target's gap outside its [min, max] in units of the width (10 when the column is missing).
//! The model value of an observation is the median over the evaluation's replications.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::abc::Prior;
use super::spec::{CalibrationError, CalibrationSpec, PatternSpec};
use crate::model::{Counterfactuals, Schedule, run_replication_scheduled};
use crate::observed::{self, MAPPINGS};
use crate::scenario::document::ResolvedDocument;
use crate::sweep::spec::{Diagnostic, Scale};

/// A model value below observed/1000 (or none) counts as observed/1000: ln 1000 ≈ 6.9.
const LOG_FLOOR: f64 = 1e-3;
/// Pattern gap when the column is missing from a run.
const MISSING_PATTERN_GAP: f64 = 10.0;

#[derive(Debug, Clone)]
pub struct PreparedScenario {
    pub id: String,
    /// What `best.toml` extends: the file's absolute path, or the built-in name.
    pub extends: String,
    pub doc: ResolvedDocument,
    pub hash: String,
}

/// One observation a target compares with.
#[derive(Debug, Clone, PartialEq)]
pub struct ObsPoint {
    pub scenario: usize,
    pub group: usize,
    pub mapping: usize,
    pub column: String,
    pub year: i32,
    pub value: f64,
    pub train: bool,
}

/// A target series: (scenario, data series, column) with its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub scenario: usize,
    pub series: String,
    pub column: String,
    pub weight: f64,
}

/// Type of a calibrated value in the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Float,
    Integer,
}

/// Everything an evaluation needs, checked against the scenarios and the data.
#[derive(Debug, Clone)]
pub struct Objective {
    pub spec: CalibrationSpec,
    pub scenarios: Vec<PreparedScenario>,
    pub coords: Vec<(usize, Option<usize>)>,
    pub labels: Vec<String>,
    pub prior: Prior,
    pub kinds: Vec<Kind>,
    /// Base values of the coordinates in natural units.
    pub base_values: Vec<f64>,
    pub points: Vec<ObsPoint>,
    pub groups: Vec<Group>,
    pub patterns: Vec<(usize, PatternSpec)>,
    /// Per parameter: for a key ending in an array index (`a.b[2]`), the array's key (`a.b`),
    /// the index and the array in each scenario, so that an override writes the whole array.
    pub array_elements: Vec<Option<ArrayElement>>,
}

/// A calibrated element of a number array: `key[index]`, with the array of each scenario.
#[derive(Debug, Clone)]
pub struct ArrayElement {
    pub array_key: String,
    pub index: usize,
    pub base: Vec<Vec<toml::Value>>,
}

/// Distance and the values behind it: one per observation point, then one per pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub distance: f64,
    pub values: Vec<Option<f64>>,
}

fn to_internal(scale: Scale, v: f64) -> f64 {
    match scale {
        Scale::Linear => v,
        Scale::Log => v.ln(),
    }
}

fn diag(key: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        key: key.to_string(),
        line: None,
        message: message.into(),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

impl Objective {
    /// Resolves the scenarios, checks every parameter key, its type and both ends of its range
    /// against each scenario, reads the data and maps the targets, and checks that the base runs
    /// have every target column. Reports all problems at once; `file` names the calibration file.
    pub fn prepare(
        spec: CalibrationSpec,
        file: &std::path::Path,
    ) -> Result<Objective, CalibrationError> {
        let mut ds: Vec<Diagnostic> = Vec::new();
        let mut scenarios = Vec::new();
        for (i, s) in spec.scenarios.iter().enumerate() {
            let source = spec.scenario_source(s);
            let mut doc = match crate::scenario::load::resolve_scenario(Some(&source)) {
                Ok(d) => d,
                Err(e) => {
                    ds.push(diag(
                        &format!("scenarios[{i}].file"),
                        first_line(&e.to_string()),
                    ));
                    continue;
                }
            };
            for (j, set) in s.set.iter().enumerate() {
                if let Err(e) = doc.apply_set(set) {
                    ds.push(diag(
                        &format!("scenarios[{i}].set[{j}]"),
                        first_line(&e.to_string()),
                    ));
                }
            }
            let extends = if std::path::Path::new(&source).exists() {
                std::fs::canonicalize(&source)
                    .map(|p| p.display().to_string())
                    .unwrap_or(source.clone())
            } else {
                s.file.trim_end_matches(".toml").to_string()
            };
            let hash = doc.sha256_hex();
            scenarios.push(PreparedScenario {
                id: s.id.clone(),
                extends,
                doc,
                hash,
            });
        }
        if !ds.is_empty() {
            return Err(invalid(file, ds));
        }
        // Parameter keys, types and ranges.
        let effective: Vec<toml::Value> = scenarios
            .iter()
            .map(|s| {
                crate::scenario::load::from_document(s.doc.clone())
                    .ok()
                    .and_then(|l| toml::Value::try_from(&l.raw).ok())
                    .unwrap_or(toml::Value::Table(toml::Table::new()))
            })
            .collect();
        let coords = spec.coordinates();
        let mut kinds = vec![Kind::Float; spec.parameters.len()];
        let mut base_by_param: Vec<Vec<f64>> = vec![Vec::new(); spec.parameters.len()];
        for (p, param) in spec.parameters.iter().enumerate() {
            let at = format!("parameters[{p}]");
            for (s, eff) in effective.iter().enumerate() {
                let value = crate::scenario::keypath::KeyPath::parse(&param.key)
                    .map_err(|e| e.message)
                    .and_then(|path| match eff {
                        toml::Value::Table(t) => crate::scenario::keypath::get(t, &path)
                            .cloned()
                            .map_err(|e| e.message),
                        _ => Err("not a table".into()),
                    });
                match value {
                    Ok(toml::Value::Float(f)) => base_by_param[p].push(f),
                    Ok(toml::Value::Integer(i)) => {
                        kinds[p] = Kind::Integer;
                        base_by_param[p].push(i as f64)
                    }
                    Ok(other) => ds.push(diag(
                        &format!("{at}.key"),
                        format!(
                            "`{}` is a {} in scenario `{}`; only numbers can be calibrated",
                            param.key,
                            other.type_str(),
                            scenarios[s].id
                        ),
                    )),
                    Err(why) => ds.push(diag(
                        &format!("{at}.key"),
                        format!("`{}` in scenario `{}`: {why}", param.key, scenarios[s].id),
                    )),
                }
            }
        }
        if !ds.is_empty() {
            return Err(invalid(file, ds));
        }
        let array_elements: Vec<Option<ArrayElement>> = spec
            .parameters
            .iter()
            .map(|param| {
                let (path, index) = crate::scenario::keypath::KeyPath::parse(&param.key)
                    .ok()?
                    .split_trailing_index()?;
                let index = index?;
                let base = effective
                    .iter()
                    .map(|eff| match eff {
                        toml::Value::Table(t) => crate::scenario::keypath::get(t, &path)
                            .ok()
                            .and_then(|v| v.as_array().cloned())
                            .unwrap_or_default(),
                        _ => Vec::new(),
                    })
                    .collect();
                Some(ArrayElement {
                    array_key: path.to_string(),
                    index,
                    base,
                })
            })
            .collect();
        for (p, param) in spec.parameters.iter().enumerate() {
            for (end, v) in [("min", param.min), ("max", param.max)] {
                for (s, sc) in scenarios.iter().enumerate() {
                    let mut doc = sc.doc.clone();
                    let index = array_elements[p].as_ref().map_or(0, |e| e.index);
                    let (key, value) = assignment(
                        &param.key,
                        array_elements[p].as_ref(),
                        s,
                        &[(index, kinds[p], v)],
                    );
                    let set = format!("{key}={value}");
                    let result = doc
                        .apply_set(&set)
                        .and_then(|_| crate::scenario::load::from_document(doc).map(|_| ()));
                    if let Err(e) = result {
                        ds.push(diag(
                            &format!("parameters[{p}].{end}"),
                            format!(
                                "{v} is not a valid value in scenario `{}`: {}",
                                sc.id,
                                first_line(&e.to_string())
                            ),
                        ));
                        break;
                    }
                }
            }
        }
        // Targets onto observations.
        let observations = observed::load(spec.data_path.as_deref()).map_err(|e| {
            CalibrationError::Other(format!("{}: reading the data: {e}", file.display()))
        })?;
        let in_window = |y: i32| {
            let train = y >= spec.train.0 && y <= spec.train.1;
            let hold = spec.holdout.is_some_and(|(a, b)| y >= a && y <= b);
            (train, hold)
        };
        let mut groups = Vec::new();
        let mut points = Vec::new();
        for (i, t) in spec.targets.iter().enumerate() {
            let Some(s) = spec.scenarios.iter().position(|x| x.id == t.scenario) else {
                continue;
            };
            let matching: Vec<&observed::Observation> = observations
                .iter()
                .filter(|o| {
                    MAPPINGS[o.mapping].series == t.series
                        && o.column
                            == crate::indicators::column_name(
                                MAPPINGS[o.mapping].indicator,
                                &t.scope,
                            )
                })
                .collect();
            let g = groups.len();
            let mut usable = 0;
            for o in &matching {
                let (train, hold) = in_window(o.year);
                if train || hold {
                    usable += usize::from(o.value > 0.0);
                    points.push(ObsPoint {
                        scenario: s,
                        group: g,
                        mapping: o.mapping,
                        column: o.column.clone(),
                        year: o.year,
                        value: o.value,
                        train,
                    });
                }
            }
            // A target with hold-out years only is scored out of sample and does not enter the distance.
            if usable == 0 {
                let years: Vec<String> = matching.iter().map(|o| o.year.to_string()).collect();
                ds.push(diag(
                    &format!("targets[{i}]"),
                    format!(
                        "`{}` for scope `{}` has no positive observation in the training window {}–{} or the hold-out window (years in the data: {})",
                        t.series,
                        t.scope,
                        spec.train.0,
                        spec.train.1,
                        if years.is_empty() { "none".into() } else { years.join(", ") }
                    ),
                ));
            }
            let column = matching
                .first()
                .map(|o| o.column.clone())
                .unwrap_or_default();
            groups.push(Group {
                scenario: s,
                series: t.series.clone(),
                column,
                weight: t.weight,
            });
        }
        let patterns: Vec<(usize, PatternSpec)> = spec
            .patterns
            .iter()
            .filter_map(|p| {
                spec.scenarios
                    .iter()
                    .position(|x| x.id == p.scenario)
                    .map(|s| (s, p.clone()))
            })
            .collect();
        if !ds.is_empty() {
            return Err(invalid(file, ds));
        }
        let prior = Prior {
            lo: coords
                .iter()
                .map(|(p, _)| to_internal(spec.parameters[*p].scale, spec.parameters[*p].min))
                .collect(),
            hi: coords
                .iter()
                .map(|(p, _)| to_internal(spec.parameters[*p].scale, spec.parameters[*p].max))
                .collect(),
        };
        let base_values: Vec<f64> = coords
            .iter()
            .map(|(p, s)| base_by_param[*p][s.unwrap_or(0)])
            .collect();
        let labels = coords.iter().map(|c| spec.coordinate_label(*c)).collect();
        let obj = Objective {
            spec,
            scenarios,
            coords,
            labels,
            prior,
            kinds,
            base_values,
            points,
            groups,
            patterns,
            array_elements,
        };
        // Target columns must exist in the runs.
        let columns: Vec<Vec<String>> = (0..obj.scenarios.len())
            .map(|s| {
                obj.run_one(s, &obj.natural_to_internal(&obj.base_values), 0, 0)
                    .map(|series| series.columns)
                    .unwrap_or_default()
            })
            .collect();
        for (i, g) in obj.groups.iter().enumerate() {
            if !columns[g.scenario].contains(&g.column) {
                ds.push(diag(
                    &format!("targets[{i}].scope"),
                    format!(
                        "scenario `{}` has no column `{}`; columns of this indicator: {}",
                        obj.scenarios[g.scenario].id,
                        g.column,
                        similar(&columns[g.scenario], &g.column)
                    ),
                ));
            }
        }
        for (i, (s, p)) in obj.patterns.iter().enumerate() {
            if !columns[*s].contains(&p.column) {
                ds.push(diag(
                    &format!("patterns[{i}].column"),
                    format!(
                        "scenario `{}` has no column `{}`; similar: {}",
                        obj.scenarios[*s].id,
                        p.column,
                        similar(&columns[*s], &p.column)
                    ),
                ));
            }
        }
        if !ds.is_empty() {
            return Err(invalid(file, ds));
        }
        Ok(obj)
    }

    pub fn dim(&self) -> usize {
        self.coords.len()
    }

    pub fn natural(&self, c: usize, internal: f64) -> f64 {
        let v = match self.spec.parameters[self.coords[c].0].scale {
            Scale::Linear => internal,
            Scale::Log => internal.exp(),
        };
        match self.kinds[self.coords[c].0] {
            Kind::Float => v,
            Kind::Integer => v.round(),
        }
    }

    pub fn natural_to_internal(&self, values: &[f64]) -> Vec<f64> {
        values
            .iter()
            .enumerate()
            .map(|(c, v)| to_internal(self.spec.parameters[self.coords[c].0].scale, *v))
            .collect()
    }

    /// `key=value` overrides for scenario `s` at internal point `theta`. Calibrated elements of
    /// one array become a single assignment of the whole array (its other elements as in the
    /// scenario), at the place of the first of them.
    pub fn overrides(&self, s: usize, theta: &[f64]) -> Vec<(String, String)> {
        let values: Vec<(usize, Kind, f64)> = self
            .coords
            .iter()
            .enumerate()
            .filter(|(_, (_, sc))| sc.is_none_or(|x| x == s))
            .map(|(c, (p, _))| (*p, self.kinds[*p], self.natural(c, theta[c])))
            .collect();
        let mut out: Vec<(String, String)> = Vec::new();
        for &(p, kind, v) in &values {
            let key = &self.spec.parameters[p].key;
            match &self.array_elements[p] {
                None => out.push((key.clone(), format_value(kind, v))),
                Some(element) => {
                    if out.iter().all(|(k, _)| *k != element.array_key) {
                        let same_array: Vec<(usize, Kind, f64)> = values
                            .iter()
                            .filter_map(|&(q, kind, v)| {
                                let e = self.array_elements[q].as_ref()?;
                                (e.array_key == element.array_key).then_some((e.index, kind, v))
                            })
                            .collect();
                        out.push(assignment(key, Some(element), s, &same_array));
                    }
                }
            }
        }
        out
    }

    fn run_one(
        &self,
        s: usize,
        theta: &[f64],
        seed: u64,
        replication: u32,
    ) -> Result<crate::model::Series, String> {
        let mut doc = self.scenarios[s].doc.clone();
        for (k, v) in self.overrides(s, theta) {
            doc.apply_set(&format!("{k}={v}"))
                .map_err(|e| e.to_string())?;
        }
        doc.apply_set(&format!("run.seed={}", seed & i64::MAX as u64))
            .map_err(|e| e.to_string())?;
        let loaded = crate::scenario::load::from_document(doc).map_err(|e| e.to_string())?;
        let result = run_replication_scheduled(
            &loaded.config,
            replication,
            &Counterfactuals::None,
            Schedule::Inline,
        )
        .map_err(|e| e.to_string())?;
        let cfg = &loaded.config;
        // Years and quarters of the steps travel with the series for the annual values.
        let mut series = result.series;
        series.columns.push(YEAR_COLUMN.into());
        series.columns.push(QUARTER_COLUMN.into());
        let n = series.columns.len() - 2;
        let mut values = Vec::with_capacity(series.steps * (n + 2));
        for step in 0..series.steps {
            values.extend_from_slice(&series.values[step * n..(step + 1) * n]);
            let q = cfg.quarter_of(step as u32);
            values.push(q.year() as f64);
            values.push(q.quarter() as f64);
        }
        series.values = values;
        Ok(series)
    }

    /// The values of scenario `s`'s observation points and patterns in one run.
    fn values_of_run(&self, s: usize, series: &crate::model::Series) -> Vec<Option<f64>> {
        let n = series.columns.len();
        let (yc, qc) = (n - 2, n - 1);
        let quarters = |col: usize| -> Vec<(i32, u8, f64)> {
            (0..series.steps)
                .map(|t| {
                    let row = series.row(t);
                    (row[yc] as i32, row[qc] as u8, row[col])
                })
                .collect()
        };
        let mut cache: BTreeMap<&str, Vec<(i32, u8, f64)>> = BTreeMap::new();
        let mut out = Vec::new();
        for p in self.points.iter().filter(|p| p.scenario == s) {
            let q = match cache.get(p.column.as_str()) {
                Some(q) => q,
                None => {
                    let Some(c) = series.column_index(&p.column) else {
                        out.push(None);
                        continue;
                    };
                    cache
                        .entry(p.column.as_str())
                        .or_insert_with(|| quarters(c))
                }
            };
            out.push(observed::annual_value(&MAPPINGS[p.mapping], q, p.year));
        }
        for (ps, p) in &self.patterns {
            if *ps != s {
                continue;
            }
            out.push(series.column_index(&p.column).and_then(|c| {
                let vals: Vec<f64> = quarters(c)
                    .into_iter()
                    .filter(|(y, _, _)| *y >= p.from && *y <= p.to)
                    .map(|(_, _, v)| v)
                    .collect();
                (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
            }));
        }
        out
    }

    /// Number of values of an evaluation (observation points, then patterns).
    pub fn value_count(&self) -> usize {
        self.points.len() + self.patterns.len()
    }

    /// Evaluates internal point `theta`: every scenario × replication (in parallel on the
    /// current rayon pool), model values = medians over replications, then the distance.
    /// Replication r of scenario s runs with seed `sweep::run_seed(seed, r)`.
    pub fn evaluate(&self, theta: &[f64], seed: u64) -> Result<Evaluation, String> {
        let r = self.spec.replications;
        let jobs: Vec<(usize, u32)> = (0..self.scenarios.len())
            .flat_map(|s| (0..r).map(move |rep| (s, rep)))
            .collect();
        let per_job: Vec<Vec<Option<f64>>> = jobs
            .par_iter()
            .with_max_len(1)
            .map(|&(s, rep)| {
                let series = self.run_one(s, theta, crate::sweep::run_seed(seed, rep), rep)?;
                Ok(self.values_of_run(s, &series))
            })
            .collect::<Result<_, String>>()?;
        // Reassemble in the order points then patterns, scenario by scenario inside each.
        let mut per_scenario: Vec<Vec<Vec<Option<f64>>>> = vec![Vec::new(); self.scenarios.len()];
        for ((s, _), v) in jobs.iter().zip(per_job) {
            per_scenario[*s].push(v);
        }
        let median = |reps: &[Vec<Option<f64>>], i: usize| -> Option<f64> {
            let mut v: Vec<f64> = reps
                .iter()
                .filter_map(|r| r[i])
                .filter(|x| x.is_finite())
                .collect();
            if v.is_empty() {
                return None;
            }
            v.sort_by(f64::total_cmp);
            let m = v.len();
            Some(if m % 2 == 1 {
                v[m / 2]
            } else {
                0.5 * (v[m / 2 - 1] + v[m / 2])
            })
        };
        let mut cursor = vec![0usize; self.scenarios.len()];
        let mut values = Vec::with_capacity(self.value_count());
        for p in &self.points {
            values.push(median(&per_scenario[p.scenario], cursor[p.scenario]));
            cursor[p.scenario] += 1;
        }
        for (s, _) in &self.patterns {
            values.push(median(&per_scenario[*s], cursor[*s]));
            cursor[*s] += 1;
        }
        Ok(Evaluation {
            distance: self.distance(&values),
            values,
        })
    }

    /// The distance of a vector of values (see the module documentation).
    pub fn distance(&self, values: &[Option<f64>]) -> f64 {
        let mut num = 0.0;
        let mut den = 0.0;
        for (g, group) in self.groups.iter().enumerate() {
            let errs: Vec<f64> = self
                .points
                .iter()
                .zip(values)
                .filter(|(p, _)| p.group == g && p.train && p.value > 0.0)
                .map(|(p, m)| log_error(p.value, *m))
                .collect();
            if errs.is_empty() {
                continue;
            }
            num += group.weight * errs.iter().map(|e| e * e).sum::<f64>() / errs.len() as f64;
            den += group.weight;
        }
        for (i, (_, p)) in self.patterns.iter().enumerate() {
            let gap = match values[self.points.len() + i] {
                None => MISSING_PATTERN_GAP,
                Some(v) if v < p.min => (p.min - v) / (p.max - p.min),
                Some(v) if v > p.max => (v - p.max) / (p.max - p.min),
                Some(_) => 0.0,
            };
            num += p.weight * gap * gap;
            den += p.weight;
        }
        if den > 0.0 { (num / den).sqrt() } else { 0.0 }
    }
}

/// ln(model / observed), with the model floored at observed/1000.
pub fn log_error(observed: f64, model: Option<f64>) -> f64 {
    let floor = observed * LOG_FLOOR;
    (model.unwrap_or(floor).max(floor) / observed).ln()
}

const YEAR_COLUMN: &str = "__year";
const QUARTER_COLUMN: &str = "__quarter";

/// The assignment that sets parameter `key` in scenario `s` to the first of `values`
/// `(array index, kind, value)`; for an array element, the whole array with every element of
/// `values` at its index and the others as in the scenario.
fn assignment(
    key: &str,
    element: Option<&ArrayElement>,
    s: usize,
    values: &[(usize, Kind, f64)],
) -> (String, String) {
    let Some(element) = element else {
        let (_, kind, v) = values[0];
        return (key.to_string(), format_value(kind, v));
    };
    let mut items: Vec<String> = element.base[s].iter().map(|v| v.to_string()).collect();
    for &(index, kind, v) in values {
        if let Some(item) = items.get_mut(index) {
            *item = format_value(kind, v);
        }
    }
    (element.array_key.clone(), format!("[{}]", items.join(", ")))
}

/// A value as it is written into a scenario: floats always with a decimal point.
pub fn format_value(kind: Kind, v: f64) -> String {
    match kind {
        Kind::Float => crate::numfmt::float(v),
        Kind::Integer => format!("{}", v.round() as i64),
    }
}

fn similar(columns: &[String], wanted: &str) -> String {
    let stem = wanted.split('.').next().unwrap_or(wanted);
    let same: Vec<&str> = columns
        .iter()
        .filter(|c| c.split('.').next() == Some(stem))
        .map(String::as_str)
        .collect();
    if same.is_empty() {
        "none".into()
    } else {
        same.join(", ")
    }
}

fn invalid(file: &std::path::Path, diagnostics: Vec<Diagnostic>) -> CalibrationError {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let diagnostics = diagnostics
        .into_iter()
        .map(|mut d| {
            if d.line.is_none() && !d.key.is_empty() {
                d.line = crate::sweep::spec::locate(&text, &d.key);
            }
            d
        })
        .collect();
    CalibrationError::Invalid {
        file: file.display().to_string(),
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_error_floors_the_model_at_a_thousandth_of_the_data() {
        // ln(20/10) = ln 2; a missing or zero model value counts as 10/1000: ln(0.001) = −6.9078.
        assert!((log_error(10.0, Some(20.0)) - 2f64.ln()).abs() < 1e-15);
        assert!((log_error(10.0, None) - 0.001f64.ln()).abs() < 1e-12);
        assert!((log_error(10.0, Some(0.0)) - 0.001f64.ln()).abs() < 1e-12);
    }
}
